import type { App, Environment } from 'aws-cdk-lib';
import type * as ecs from 'aws-cdk-lib/aws-ecs';
import { BrokerStack } from './broker-stack';
import type { ConsoleSettings } from './console-service';
import { DataStack } from './data-stack';
import { ServicesStack, type BridgeRouteSet, type SecretSource } from './services-stack';
import { TrackingDatabaseStack } from './tracking-database-stack';
import type { ScalingPolicies } from './scaling-policy';

export interface DeployConfig {
  envName: string;
  env: Environment;
  image: ecs.ContainerImage;
  scaling?: ScalingPolicies;
  notifierSubscriptionIds?: readonly string[];
  notifierSecrets?: Record<string, SecretSource>;
  bridgeRouteSets?: readonly BridgeRouteSet[];
  brokerInstanceType?: string;
  natGateways?: number;
  tracking?: TrackingSettings;
  /** The ops console behind an ALB with OIDC (CDK context `ediflow:console`); none when left out. */
  console?: ConsoleSettings;
}

/** The tracking service's database and retention (CDK context `ediflow:tracking*`). */
export interface TrackingSettings {
  /** RDS instance class without `db.`; default t4g.medium. */
  instanceType?: string;
  /** A standby in the second AZ; default true. */
  multiAz?: boolean;
  /** Days of automated backups; default 14. */
  backupRetentionDays?: number;
  /** TRACKING_RETENTION_DAYS; default 400. */
  retentionDays?: number;
}

export interface EdiflowStacks {
  data: DataStack;
  broker: BrokerStack;
  tracking: TrackingDatabaseStack;
  services: ServicesStack;
}

/**
 * App -> four stacks: data (key, bucket, topic, SFTP), broker (VPC, Amazon MQ), tracking (RDS for
 * PostgreSQL in that VPC), services (ECS, scaling, alarms).
 */
export function createStacks(app: App, config: DeployConfig): EdiflowStacks {
  const prefix = `Ediflow-${config.envName}`;
  const data = new DataStack(app, `${prefix}-Data`, { env: config.env, envName: config.envName });
  const broker = new BrokerStack(app, `${prefix}-Broker`, {
    env: config.env,
    envName: config.envName,
    key: data.key,
    instanceType: config.brokerInstanceType,
    natGateways: config.natGateways,
  });
  const tracking = new TrackingDatabaseStack(app, `${prefix}-Tracking`, {
    env: config.env,
    envName: config.envName,
    vpc: broker.vpc,
    key: data.key,
    instanceType: config.tracking?.instanceType,
    multiAz: config.tracking?.multiAz,
    backupRetentionDays: config.tracking?.backupRetentionDays,
  });
  const services = new ServicesStack(app, `${prefix}-Services`, {
    env: config.env,
    envName: config.envName,
    vpc: broker.vpc,
    servicesSecurityGroup: broker.servicesSecurityGroup,
    brokerSecurityGroup: broker.brokerSecurityGroup,
    bucket: data.bucket,
    key: data.key,
    alerts: data.alerts,
    pgpPassphrase: data.pgpPassphrase,
    platformKeyContext: data.platformKeyContext,
    brokerName: broker.brokerName,
    brokerUrl: broker.failoverUrl,
    brokerCredentials: broker.credentials,
    image: config.image,
    scaling: config.scaling,
    notifierSubscriptionIds: config.notifierSubscriptionIds,
    notifierSecrets: config.notifierSecrets,
    bridgeRouteSets: config.bridgeRouteSets,
    tracking: {
      securityGroup: tracking.trackingSecurityGroup,
      databaseUrl: tracking.databaseUrl,
      databaseCredentials: tracking.credentials,
      databaseInstanceIdentifier: tracking.instance.instanceIdentifier,
      retentionDays: config.tracking?.retentionDays,
    },
    console: config.console,
  });
  return { data, broker, tracking, services };
}
