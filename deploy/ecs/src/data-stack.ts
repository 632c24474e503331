import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as transfer from 'aws-cdk-lib/aws-transfer';
import type { Construct } from 'constructs';
import { KEYS } from '@ediflow/messages';

export interface DataStackProps extends StackProps {
  /** Environment name (dev, prod ...): part of resource names and of the platform key's KMS context. */
  envName: string;
  /** Days a claim-check body (messages/) is kept; it must outlive the notifier's retries and a dead letter's replay. */
  claimCheckRetentionDays?: number;
}

/** The object-store key prefix of claim-check bodies (`messages/<id>.json`). */
export const CLAIM_CHECK_PREFIX = KEYS.messageBody('').replace(/\.json$/, '');

/** Where the services read their configuration in the bucket (the registry, the wrapped platform key). */
export const CONFIG_KEYS = {
  partners: 'config/partners.json',
  platformKey: 'config/platform-key.wrapped.json',
} as const;

/**
 * Data that outlives deployments: the KMS key, the bucket (SSE-KMS, TLS only, private), the
 * alert topic, the PGP passphrase secret and the Transfer Family SFTP server that writes
 * partners' uploads into the bucket.
 */
export class DataStack extends Stack {
  readonly key: kms.Key;
  readonly bucket: s3.Bucket;
  readonly alerts: sns.Topic;
  readonly pgpPassphrase: secretsmanager.Secret;
  readonly transferServer: transfer.CfnServer;
  readonly transferUserRole: iam.Role;
  /** The KMS encryption context of the wrapped platform key (PGP_KEY_KMS_CONTEXT). */
  readonly platformKeyContext: string;

  constructor(scope: Construct, id: string, props: DataStackProps) {
    super(scope, id, props);
    this.key = new kms.Key(this, 'Key', {
      alias: `alias/ediflow-${props.envName}`,
      description: 'ediflow: object store (SSE-KMS), wrapped PGP key, alert topic, broker storage',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // CloudWatch alarms publish to the encrypted topic.
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
      }),
    );
    this.platformKeyContext = `purpose=ediflow-platform-key,env=${props.envName}`;

    this.bucket = new s3.Bucket(this, 'Bucket', {
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: this.key,
      bucketKeyEnabled: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [
        { id: 'claim-check-bodies', prefix: CLAIM_CHECK_PREFIX, expiration: Duration.days(props.claimCheckRetentionDays ?? 30) },
        { id: 'abort-incomplete-uploads', abortIncompleteMultipartUploadAfter: Duration.days(7) },
      ],
    });

    this.alerts = new sns.Topic(this, 'Alerts', { displayName: `ediflow ${props.envName} alerts`, masterKey: this.key });

    this.pgpPassphrase = new secretsmanager.Secret(this, 'PgpPassphrase', {
      description: 'Passphrase of the platform PGP private key (PGP_PASSPHRASE)',
      encryptionKey: this.key,
      generateSecretString: { passwordLength: 40, excludePunctuation: true },
    });

    // Transfer Family: partners upload over SFTP straight into inbound/<partnerId>/.
    const transferLogs = new iam.Role(this, 'TransferLogging', {
      assumedBy: new iam.ServicePrincipal('transfer.amazonaws.com'),
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSTransferLoggingAccess')],
    });
    this.transferServer = new transfer.CfnServer(this, 'Sftp', {
      protocols: ['SFTP'],
      domain: 'S3',
      endpointType: 'PUBLIC',
      identityProviderType: 'SERVICE_MANAGED',
      securityPolicyName: 'TransferSecurityPolicy-2024-01',
      loggingRole: transferLogs.roleArn,
    });
    this.transferUserRole = new iam.Role(this, 'SftpUserRole', {
      assumedBy: new iam.ServicePrincipal('transfer.amazonaws.com'),
      description: 'Assumed by Transfer Family for partner SFTP users (scoped further by each user\'s home mappings)',
    });
    this.transferUserRole.addToPolicy(
      new iam.PolicyStatement({
        actions: ['s3:ListBucket'],
        resources: [this.bucket.bucketArn],
        conditions: { StringLike: { 's3:prefix': ['inbound/*', 'outbound/*'] } },
      }),
    );
    this.transferUserRole.addToPolicy(
      new iam.PolicyStatement({
        actions: ['s3:PutObject', 's3:GetObject', 's3:GetObjectVersion', 's3:DeleteObject'],
        resources: [this.bucket.arnForObjects('inbound/*'), this.bucket.arnForObjects('outbound/*')],
      }),
    );
    this.key.grantEncryptDecrypt(this.transferUserRole);

    new CfnOutput(this, 'BucketName', { value: this.bucket.bucketName, description: 'S3_BUCKET' });
    new CfnOutput(this, 'TransferServerId', { value: this.transferServer.attrServerId, description: 'TRANSFER_SERVER_ID for edi partners onboard' });
    new CfnOutput(this, 'TransferUserRoleArn', { value: this.transferUserRole.roleArn, description: 'TRANSFER_USER_ROLE_ARN for edi partners onboard' });
    new CfnOutput(this, 'AlertTopicArn', { value: this.alerts.topicArn, description: 'ALERT_TOPIC_ARN; subscribe the on-call address here' });
    new CfnOutput(this, 'KeyArn', { value: this.key.keyArn, description: 'KMS key for edi keys wrap and S3_SSE_KMS_KEY_ID' });
    new CfnOutput(this, 'PlatformKeyContext', { value: this.platformKeyContext, description: 'PGP_KEY_KMS_CONTEXT the wrapped platform key is made with' });
  }
}
