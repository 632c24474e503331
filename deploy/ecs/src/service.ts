import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as servicediscovery from 'aws-cdk-lib/aws-servicediscovery';
import { Construct } from 'constructs';
import type { ServiceName } from './scaling-policy';
import { HTTP_PORT, STOP_TIMEOUT_SECONDS, type TaskSize } from './sizing';

export interface EdiServiceProps {
  cluster: ecs.ICluster;
  /** Which service the image runs (the ECS command picks it). */
  service: ServiceName | 'console';
  /** ECS service name, unique in the cluster (the bridge runs one per route set). */
  serviceName: string;
  image: ecs.ContainerImage;
  size: TaskSize;
  securityGroups: ec2.ISecurityGroup[];
  /** Plain settings; never a secret (the construct refuses names that look like one). */
  environment: Record<string, string>;
  /** Settings injected from Secrets Manager as environment variables. */
  secrets: Record<string, ecs.Secret>;
  /** Fixed task count; leave it out for an autoscaled service (a deployment would reset the scaled count). */
  desiredCount?: number;
  /** The bridge: never two tasks at once (a route's order), so a deployment stops the old task first. */
  singleton?: boolean;
  /** A name in the cluster's private DNS namespace (Cloud Map), for a service other hosts in the VPC call. */
  dnsName?: string;
}

/** Names that hold secrets: they must come through `secrets`, never `environment`. */
const SECRET_NAME = /(PASS|PASSWORD|PASSCODE|SECRET|TOKEN|LOGIN|PRIVATE_KEY)$/;

/**
 * One ediflow service on Fargate: the shared image with the service's command, a read-only root
 * filesystem, a non-root user, /healthz as the container health check, a stop timeout above the
 * 25 s drain bound, secrets from Secrets Manager, and a deployment circuit breaker with rollback.
 */
export class EdiService extends Construct {
  readonly service: ecs.FargateService;
  readonly taskDefinition: ecs.FargateTaskDefinition;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: EdiServiceProps) {
    super(scope, id);
    for (const name of Object.keys(props.environment)) {
      if (SECRET_NAME.test(name)) throw new Error(`${props.serviceName}: ${name} looks like a secret; pass it in secrets (Secrets Manager)`);
    }
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      logGroupName: `/ediflow/${props.serviceName}`,
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.taskDefinition = new ecs.FargateTaskDefinition(this, 'Task', {
      family: props.serviceName,
      cpu: props.size.cpu,
      memoryLimitMiB: props.size.memoryMiB,
      runtimePlatform: { operatingSystemFamily: ecs.OperatingSystemFamily.LINUX, cpuArchitecture: ecs.CpuArchitecture.X86_64 },
    });
    this.taskDefinition.addContainer('app', {
      image: props.image,
      command: [`services/${props.service}/dist/main.js`],
      user: '1000:1000',
      readonlyRootFilesystem: true,
      environment: { HTTP_HOST: '0.0.0.0', HTTP_PORT: String(HTTP_PORT), ...props.environment },
      secrets: props.secrets,
      portMappings: [{ containerPort: HTTP_PORT, name: 'http' }],
      stopTimeout: Duration.seconds(STOP_TIMEOUT_SECONDS),
      // /healthz, not /readyz: readiness drops during a broker failover, and a failing health check would replace every task at once.
      healthCheck: {
        command: ['CMD', 'node', '-e', `fetch('http://127.0.0.1:${HTTP_PORT}/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))`],
        interval: Duration.seconds(15),
        timeout: Duration.seconds(5),
        retries: 3,
        startPeriod: Duration.seconds(30),
      },
      logging: ecs.LogDrivers.awsLogs({ logGroup: this.logGroup, streamPrefix: props.service }),
    });
    this.service = new ecs.FargateService(this, 'Service', {
      cluster: props.cluster,
      serviceName: props.serviceName,
      taskDefinition: this.taskDefinition,
      desiredCount: props.desiredCount,
      securityGroups: props.securityGroups,
      assignPublicIp: false,
      circuitBreaker: { enable: true, rollback: true },
      minHealthyPercent: props.singleton ? 0 : 100,
      maxHealthyPercent: props.singleton ? 100 : 200,
      enableExecuteCommand: false,
      cloudMapOptions: props.dnsName ? { name: props.dnsName, dnsRecordType: servicediscovery.DnsRecordType.A, dnsTtl: Duration.seconds(10) } : undefined,
    });
  }
}
