import { CfnOutput, Fn, Stack, type StackProps } from 'aws-cdk-lib';
import * as amazonmq from 'aws-cdk-lib/aws-amazonmq';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { brokerConfigurationXml } from './broker-config';

export interface BrokerStackProps extends StackProps {
  envName: string;
  key: kms.IKey;
  /** Amazon MQ instance type of each node. */
  instanceType?: string;
  /** NAT gateways for the services' egress (one is cheaper, two survive an AZ). */
  natGateways?: number;
}

/** STOMP over TLS, the only protocol the services speak to Amazon MQ. */
export const STOMP_SSL_PORT = 61614;

/**
 * The network and the broker: a VPC over two AZs, an Amazon MQ for ActiveMQ active/standby pair
 * (one node per AZ, private, STOMP+SSL reachable only from the services' security group), its
 * configuration (scheduler, statistics), credentials in Secrets Manager, general and audit logs on.
 */
export class BrokerStack extends Stack {
  readonly vpc: ec2.Vpc;
  /** Every ediflow task runs in this group; the broker admits STOMP+SSL from it alone. */
  readonly servicesSecurityGroup: ec2.SecurityGroup;
  readonly brokerSecurityGroup: ec2.SecurityGroup;
  readonly credentials: secretsmanager.Secret;
  readonly broker: amazonmq.CfnBroker;
  /** The broker's name; CloudWatch reports its nodes as `<name>-1` and `<name>-2`. */
  readonly brokerName: string;
  /** `failover:(stomp+ssl://node-1:61614,stomp+ssl://node-2:61614)` for BROKER_URL. */
  readonly failoverUrl: string;

  constructor(scope: Construct, id: string, props: BrokerStackProps) {
    super(scope, id, props);
    this.brokerName = `ediflow-${props.envName}`;
    this.vpc = new ec2.Vpc(this, 'Vpc', {
      maxAzs: 2,
      natGateways: props.natGateways ?? 1,
      subnetConfiguration: [
        { name: 'public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 },
        { name: 'services', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 22 },
        { name: 'broker', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 26 },
      ],
      gatewayEndpoints: { S3: { service: ec2.GatewayVpcEndpointAwsService.S3 } },
    });
    this.servicesSecurityGroup = new ec2.SecurityGroup(this, 'Services', {
      vpc: this.vpc,
      description: 'ediflow service tasks',
      allowAllOutbound: true,
    });
    this.brokerSecurityGroup = new ec2.SecurityGroup(this, 'BrokerSg', {
      vpc: this.vpc,
      description: 'Amazon MQ: STOMP+SSL from the ediflow services only',
      allowAllOutbound: false,
    });
    this.brokerSecurityGroup.addIngressRule(this.servicesSecurityGroup, ec2.Port.tcp(STOMP_SSL_PORT), 'STOMP+SSL from ediflow services');

    this.credentials = new secretsmanager.Secret(this, 'BrokerCredentials', {
      description: 'Amazon MQ user of the ediflow services (BROKER_LOGIN / BROKER_PASSCODE)',
      encryptionKey: props.key,
      // Amazon MQ passwords: 12+ characters, no commas, colons or equals signs.
      generateSecretString: { secretStringTemplate: JSON.stringify({ username: 'ediflow' }), generateStringKey: 'password', passwordLength: 32, excludePunctuation: true },
    });

    const configuration = new amazonmq.CfnConfiguration(this, 'Configuration', {
      name: `${this.brokerName}-config`,
      engineType: 'ACTIVEMQ',
      engineVersion: '5.18',
      authenticationStrategy: 'SIMPLE',
      data: Fn.base64(brokerConfigurationXml()),
      description: 'ediflow: scheduler on (delayed retries), statistics plugin',
    });

    const subnets = this.vpc.selectSubnets({ subnetType: ec2.SubnetType.PRIVATE_ISOLATED }).subnetIds;
    this.broker = new amazonmq.CfnBroker(this, 'Broker', {
      brokerName: this.brokerName,
      engineType: 'ACTIVEMQ',
      engineVersion: '5.18',
      deploymentMode: 'ACTIVE_STANDBY_MULTI_AZ',
      hostInstanceType: props.instanceType ?? 'mq.m5.large',
      publiclyAccessible: false,
      autoMinorVersionUpgrade: true,
      subnetIds: [subnets[0], subnets[1]],
      securityGroups: [this.brokerSecurityGroup.securityGroupId],
      authenticationStrategy: 'SIMPLE',
      configuration: { id: configuration.attrId, revision: configuration.attrRevision },
      encryptionOptions: { useAwsOwnedKey: false, kmsKeyId: props.key.keyArn },
      logs: { general: true, audit: true },
      maintenanceWindowStartTime: { dayOfWeek: 'SUNDAY', timeOfDay: '04:00', timeZone: 'UTC' },
      users: [
        {
          username: this.credentials.secretValueFromJson('username').unsafeUnwrap(),
          password: this.credentials.secretValueFromJson('password').unsafeUnwrap(),
          consoleAccess: false,
        },
      ],
    });
    this.failoverUrl = `failover:(${Fn.join(',', this.broker.attrStompEndpoints)})`;
    new CfnOutput(this, 'BrokerName', { value: this.brokerName });
    new CfnOutput(this, 'BrokerUrl', { value: this.failoverUrl, description: 'BROKER_URL of the services' });
    new CfnOutput(this, 'BrokerCredentialsArn', { value: this.credentials.secretArn });
  }
}
