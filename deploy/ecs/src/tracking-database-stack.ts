import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as rds from 'aws-cdk-lib/aws-rds';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { HTTP_PORT } from './sizing';

export interface TrackingDatabaseStackProps extends StackProps {
  envName: string;
  vpc: ec2.IVpc;
  /** The project's KMS key: storage, snapshots and the credentials secret. */
  key: kms.IKey;
  /** RDS instance class (without the `db.` prefix). */
  instanceType?: string;
  /** A standby in the second AZ (synchronous replication, automatic failover). */
  multiAz?: boolean;
  /** Days of automated backups (point-in-time recovery), 1 to 35. */
  backupRetentionDays?: number;
  /** Initial storage; it grows by itself up to ten times this. */
  allocatedStorageGiB?: number;
}

export const POSTGRES_PORT = 5432;
export const TRACKING_DATABASE_NAME = 'tracking';
/** The database user of the tracking service (the instance's master user, its password generated into Secrets Manager). */
export const TRACKING_DATABASE_USER = 'ediflow_tracking';
/** Where the image keeps the Amazon RDS CA bundle (written at build time, Dockerfile prod stage). */
export const RDS_CA_FILE = '/app/services/tracking/dist/rds-ca-bundle.pem';

/**
 * The tracking store: Amazon RDS for PostgreSQL in the VPC's isolated subnets, encrypted with the
 * project's key, TLS required (`rds.force_ssl`), reachable on 5432 from the tracking service's own
 * security group only, its password generated into Secrets Manager. Deletion protection is on, and
 * deleting the stack leaves a final snapshot.
 */
export class TrackingDatabaseStack extends Stack {
  /** The tracking service's tasks run in this group (besides the services' group, for the broker); the database admits it alone. */
  readonly trackingSecurityGroup: ec2.SecurityGroup;
  readonly databaseSecurityGroup: ec2.SecurityGroup;
  /** Attach to an operator's host in the VPC (SSM session host, VPN endpoint) to call the tracking API; nothing else may. */
  readonly apiClientsSecurityGroup: ec2.SecurityGroup;
  readonly instance: rds.DatabaseInstance;
  /** JSON secret: username, password, host, port, dbname (RDS attaches the endpoint). */
  readonly credentials: secretsmanager.ISecret;
  /** TRACKING_DATABASE_URL without a password: `postgres://ediflow_tracking@<endpoint>:5432/tracking`. */
  readonly databaseUrl: string;

  constructor(scope: Construct, id: string, props: TrackingDatabaseStackProps) {
    super(scope, id, props);
    this.trackingSecurityGroup = new ec2.SecurityGroup(this, 'TrackingTasks', {
      vpc: props.vpc,
      description: 'ediflow tracking service tasks: the only client of the tracking database',
      allowAllOutbound: true,
    });
    this.databaseSecurityGroup = new ec2.SecurityGroup(this, 'DatabaseSg', {
      vpc: props.vpc,
      description: 'Tracking database: PostgreSQL from the tracking service only',
      allowAllOutbound: false,
    });
    this.databaseSecurityGroup.addIngressRule(this.trackingSecurityGroup, ec2.Port.tcp(POSTGRES_PORT), 'PostgreSQL from the tracking service');
    this.apiClientsSecurityGroup = new ec2.SecurityGroup(this, 'TrackingApiClients', {
      vpc: props.vpc,
      description: 'Hosts in the VPC allowed to call the tracking API (attach to an SSM session host or VPN endpoint)',
      allowAllOutbound: true,
    });
    this.trackingSecurityGroup.addIngressRule(this.apiClientsSecurityGroup, ec2.Port.tcp(HTTP_PORT), 'tracking API from its clients');

    const engine = rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_17 });
    const parameterGroup = new rds.ParameterGroup(this, 'Parameters', {
      engine,
      description: 'ediflow tracking: TLS 1.2+ required',
      parameters: { 'rds.force_ssl': '1', ssl_min_protocol_version: 'TLSv1.2' },
    });
    const allocated = props.allocatedStorageGiB ?? 50;
    this.instance = new rds.DatabaseInstance(this, 'Database', {
      engine,
      instanceType: new ec2.InstanceType(props.instanceType ?? 't4g.medium'),
      vpc: props.vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      securityGroups: [this.databaseSecurityGroup],
      publiclyAccessible: false,
      port: POSTGRES_PORT,
      databaseName: TRACKING_DATABASE_NAME,
      credentials: rds.Credentials.fromGeneratedSecret(TRACKING_DATABASE_USER, {
        secretName: `ediflow/${props.envName}/tracking-database`,
        encryptionKey: props.key,
      }),
      parameterGroup,
      caCertificate: rds.CaCertificate.RDS_CA_RSA2048_G1,
      storageEncrypted: true,
      storageEncryptionKey: props.key,
      storageType: rds.StorageType.GP3,
      allocatedStorage: allocated,
      maxAllocatedStorage: allocated * 10,
      multiAz: props.multiAz ?? true,
      backupRetention: Duration.days(props.backupRetentionDays ?? 14),
      preferredBackupWindow: '03:00-03:30',
      preferredMaintenanceWindow: 'sun:04:30-sun:05:00',
      copyTagsToSnapshot: true,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.SNAPSHOT,
      autoMinorVersionUpgrade: true,
      cloudwatchLogsExports: ['postgresql'],
    });
    this.credentials = this.instance.secret!;
    this.databaseUrl = `postgres://${TRACKING_DATABASE_USER}@${this.instance.dbInstanceEndpointAddress}:${this.instance.dbInstanceEndpointPort}/${TRACKING_DATABASE_NAME}`;

    new CfnOutput(this, 'TrackingDatabaseEndpoint', { value: this.instance.dbInstanceEndpointAddress });
    new CfnOutput(this, 'TrackingApiClientsSecurityGroupId', { value: this.apiClientsSecurityGroup.securityGroupId, description: 'attach to the host that calls the tracking API' });
    new CfnOutput(this, 'TrackingDatabaseSecretArn', { value: this.credentials.secretArn, description: 'TRACKING_DATABASE_PASSWORD (field password)' });
  }
}
