import type { App, Environment } from 'aws-cdk-lib';
import type * as ecs from 'aws-cdk-lib/aws-ecs';
import { BrokerStack } from './broker-stack';
import { DataStack } from './data-stack';
import { ServicesStack, type BridgeRouteSet, type SecretSource } from './services-stack';
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
}

export interface EdiflowStacks {
  data: DataStack;
  broker: BrokerStack;
  services: ServicesStack;
}

/** App -> three stacks: data (key, bucket, topic, SFTP), broker (VPC, Amazon MQ), services (ECS, scaling, alarms). */
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
  const services = new ServicesStack(app, `${prefix}-Services`, {
    env: config.env,
    envName: config.envName,
    vpc: broker.vpc,
    servicesSecurityGroup: broker.servicesSecurityGroup,
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
  });
  return { data, broker, services };
}
