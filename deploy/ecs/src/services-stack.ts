import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { resolvePolicy } from '@ediflow/bus';
import { DESTINATIONS } from '@ediflow/messages';
import { ConsoleLoadBalancer, type ConsoleSettings } from './console-service';
import { CLAIM_CHECK_PREFIX, CONFIG_KEYS } from './data-stack';
import { LOG_FIGURES, Monitoring, type MonitoredService } from './monitoring';
import { QueueBacklogScalingConstruct, scaleOnCpu } from './queue-scaling';
import { SCALING, brokerQueueName, checkScaling, type ScalingPolicies, type ServiceName } from './scaling-policy';
import { EdiService } from './service';
import { STOMP_SSL_PORT } from './broker-stack';
import { CONSOLE_TASK_SIZE, HTTP_PORT, TASK_SIZES } from './sizing';
import { RDS_CA_FILE } from './tracking-database-stack';

/** A secret injected as an environment variable: a Secrets Manager secret (name or ARN) and, for JSON secrets, a field. */
export interface SecretSource {
  secret: string;
  field?: string;
}

/** The tracking service's database and network (TrackingDatabaseStack) and its settings. */
export interface TrackingProps {
  /** The tracking tasks' own security group: the only one the database admits. */
  securityGroup: ec2.ISecurityGroup;
  /** TRACKING_DATABASE_URL, without a password. */
  databaseUrl: string;
  /** The database's credentials (JSON, field `password`). */
  databaseCredentials: secretsmanager.ISecret;
  /** TRACKING_RETENTION_DAYS: tracked rows older than this are purged. */
  retentionDays?: number;
  /** The RDS instance identifier, for its alarms and graph. */
  databaseInstanceIdentifier: string;
}

/** The tracking service's default retention (the service's own default, README "Configuration"). */
export const TRACKING_RETENTION_DAYS = 400;

/** One bridge task: a routes document (as `services/bridge/routes.example.json`) and the secrets its endpoints name. */
export interface BridgeRouteSet {
  /** Lower-case name, part of the ECS service name. */
  name: string;
  /** The routes document, given to the bridge as BRIDGE_ROUTES. */
  routes: unknown;
  /** Environment variables the routes name (loginEnv, passcodeEnv, tls caEnv/certEnv/keyEnv) and where they come from. */
  secrets?: Record<string, SecretSource>;
}

export interface ServicesStackProps extends StackProps {
  envName: string;
  vpc: ec2.IVpc;
  servicesSecurityGroup: ec2.ISecurityGroup;
  /** Amazon MQ's security group: the console, in a group of its own, is admitted to STOMP+SSL too. */
  brokerSecurityGroup: ec2.ISecurityGroup;
  bucket: s3.IBucket;
  key: kms.IKey;
  alerts: sns.ITopic;
  pgpPassphrase: secretsmanager.ISecret;
  platformKeyContext: string;
  brokerName: string;
  brokerUrl: string;
  brokerCredentials: secretsmanager.ISecret;
  /** The one image of all five services. */
  image: ecs.ContainerImage;
  /** Scaling policies; default the data in scaling-policy.ts. */
  scaling?: ScalingPolicies;
  /** The notifier's subscription ids: their delivery queues count in its backlog and their dead letters are watched. */
  notifierSubscriptionIds?: readonly string[];
  /** Secrets the notifier's subscriptions name with `{ "env": "VAR" }` (HMAC secrets, OAuth client secrets, mTLS PEM). */
  notifierSecrets?: Record<string, SecretSource>;
  /** One bridge service per route set (none by default). */
  bridgeRouteSets?: readonly BridgeRouteSet[];
  tracking: TrackingProps;
  /** The ops console behind an ALB with OIDC; none when left out. */
  console?: ConsoleSettings;
  logLevel?: string;
}

function fromSecretsManager(scope: Construct, id: string, source: SecretSource): ecs.Secret {
  const secret = source.secret.startsWith('arn:')
    ? secretsmanager.Secret.fromSecretCompleteArn(scope, id, source.secret)
    : secretsmanager.Secret.fromSecretNameV2(scope, id, source.secret);
  return ecs.Secret.fromSecretsManager(secret, source.field);
}

/**
 * The five services on one Fargate cluster (Container Insights on), their scaling, alarms and
 * dashboard. Every task gets the failover broker URL, the bucket, secrets from Secrets Manager.
 */
export class ServicesStack extends Stack {
  readonly cluster: ecs.Cluster;
  readonly services: Partial<Record<string, EdiService>> = {};
  readonly monitoring: Monitoring;

  constructor(scope: Construct, id: string, props: ServicesStackProps) {
    super(scope, id, props);
    // The data stack's resources by reference: grants then change this stack's roles, never the
    // data stack's key or bucket policies (which would make the two stacks depend on each other).
    const key = kms.Key.fromKeyArn(this, 'DataKey', props.key.keyArn);
    const bucket = s3.Bucket.fromBucketAttributes(this, 'DataBucket', { bucketArn: props.bucket.bucketArn, bucketName: props.bucket.bucketName, encryptionKey: key });
    const alerts = sns.Topic.fromTopicArn(this, 'AlertTopic', props.alerts.topicArn);
    const pgpPassphrase = secretsmanager.Secret.fromSecretCompleteArn(this, 'PgpPassphrase', props.pgpPassphrase.secretArn);
    const brokerCredentials = secretsmanager.Secret.fromSecretCompleteArn(this, 'BrokerCredentials', props.brokerCredentials.secretArn);
    const scaling = props.scaling ?? SCALING;
    for (const [name, p] of Object.entries(scaling)) checkScaling(name, p);
    const clusterName = `ediflow-${props.envName}`;
    this.cluster = new ecs.Cluster(this, 'Cluster', { clusterName, vpc: props.vpc, containerInsightsV2: ecs.ContainerInsights.ENABLED });
    // Private DNS in the VPC for the services other hosts call (the tracking API): <name>.ediflow-<env>.internal.
    this.cluster.addDefaultCloudMapNamespace({ name: `${clusterName}.internal`, vpc: props.vpc });

    const common: Record<string, string> = {
      LOG_LEVEL: props.logLevel ?? 'info',
      BROKER_URL: props.brokerUrl,
      STORE_KIND: 's3',
      S3_BUCKET: bucket.bucketName,
      S3_REGION: this.region,
      S3_SSE_KMS_KEY_ID: key.keyArn,
      ALERT_TOPIC_ARN: alerts.topicArn,
    };
    const broker = {
      BROKER_LOGIN: ecs.Secret.fromSecretsManager(brokerCredentials, 'username'),
      BROKER_PASSCODE: ecs.Secret.fromSecretsManager(brokerCredentials, 'password'),
    };
    const platformKey = {
      PGP_PRIVATE_KEY_WRAPPED_OBJECT_KEY: CONFIG_KEYS.platformKey,
      PGP_KEY_KMS_CONTEXT: props.platformKeyContext,
    };
    const replayToken = new secretsmanager.Secret(this, 'ReplayToken', {
      description: 'Bearer token of the notifier\'s /admin/deadletters (NOTIFIER_REPLAY_TOKEN)',
      encryptionKey: key,
      generateSecretString: { passwordLength: 48, excludePunctuation: true },
    });
    const trackingApiToken = new secretsmanager.Secret(this, 'TrackingApiToken', {
      description: 'Bearer token of the tracking API (TRACKING_API_TOKEN)',
      encryptionKey: key,
      generateSecretString: { passwordLength: 48, excludePunctuation: true },
    });
    const trackingDatabase = secretsmanager.Secret.fromSecretCompleteArn(this, 'TrackingDatabaseCredentials', props.tracking.databaseCredentials.secretArn);
    const subscriptionIds = props.notifierSubscriptionIds ?? [];

    const add = (
      service: ServiceName,
      serviceName: string,
      environment: Record<string, string>,
      secrets: Record<string, ecs.Secret>,
      options: { desiredCount?: number; securityGroups?: ec2.ISecurityGroup[]; dnsName?: string } = {},
    ): EdiService => {
      const s = new EdiService(this, serviceName, {
        cluster: this.cluster,
        service,
        serviceName,
        image: props.image,
        size: TASK_SIZES[service],
        securityGroups: [props.servicesSecurityGroup, ...(options.securityGroups ?? [])],
        environment,
        secrets,
        desiredCount: options.desiredCount,
        singleton: service === 'bridge',
        dnsName: options.dnsName,
      });
      this.services[serviceName] = s;
      return s;
    };

    // Every service has a private DNS name, so the console reads its /healthz, /readyz and /metrics.
    const ingest = add('ingest', 'ingest', { ...common, PARTNERS_OBJECT_KEY: CONFIG_KEYS.partners, ...platformKey }, { ...broker, PGP_PASSPHRASE: ecs.Secret.fromSecretsManager(pgpPassphrase) }, { dnsName: 'ingest' });
    // one translation thread per vCPU of the task (the runtime's core count is the host's, not the task's share)
    const translatorThreads = String(Math.max(1, Math.floor(TASK_SIZES.translator.cpu / 1024)));
    const translator = add('translator', 'translator', { ...common, PARTNERS_OBJECT_KEY: CONFIG_KEYS.partners, TRANSLATOR_THREADS: translatorThreads, ...platformKey }, { ...broker, PGP_PASSPHRASE: ecs.Secret.fromSecretsManager(pgpPassphrase) }, { dnsName: 'translator' });
    const notifierSecrets: Record<string, ecs.Secret> = { ...broker, NOTIFIER_REPLAY_TOKEN: ecs.Secret.fromSecretsManager(replayToken) };
    for (const [env, source] of Object.entries(props.notifierSecrets ?? {})) notifierSecrets[env] = fromSecretsManager(this, `NotifierSecret-${env}`, source);
    const notifier = add('notifier', 'notifier', { ...common, PARTNERS_OBJECT_KEY: CONFIG_KEYS.partners }, notifierSecrets, { dnsName: 'notifier' });
    const bridges = (props.bridgeRouteSets ?? []).map((set) => {
      if (!/^[a-z0-9][a-z0-9-]{0,30}$/.test(set.name)) throw new Error(`bridge route set name ${JSON.stringify(set.name)}: lower-case letters, digits and dashes`);
      const secrets: Record<string, ecs.Secret> = {};
      for (const [env, source] of Object.entries(set.secrets ?? {})) secrets[env] = fromSecretsManager(this, `Bridge-${set.name}-${env}`, source);
      return add('bridge', `bridge-${set.name}`, { LOG_LEVEL: common.LOG_LEVEL, ALERT_TOPIC_ARN: common.ALERT_TOPIC_ARN, BRIDGE_ROUTES: JSON.stringify(set.routes) }, secrets, { desiredCount: scaling.bridge.tasks, dnsName: `bridge-${set.name}` });
    });
    const tracking = add(
      'tracking',
      'tracking',
      {
        ...common,
        TRACKING_DATABASE_URL: props.tracking.databaseUrl,
        TRACKING_DATABASE_SSL: 'verify',
        TRACKING_DATABASE_CA_FILE: RDS_CA_FILE,
        TRACKING_RETENTION_DAYS: String(props.tracking.retentionDays ?? TRACKING_RETENTION_DAYS),
      },
      {
        ...broker,
        TRACKING_DATABASE_PASSWORD: ecs.Secret.fromSecretsManager(trackingDatabase, 'password'),
        TRACKING_API_TOKEN: ecs.Secret.fromSecretsManager(trackingApiToken),
      },
      { securityGroups: [props.tracking.securityGroup], dnsName: 'tracking' },
    );

    // Access: the bucket (read/write, SSE-KMS through the key), the alert topic, KMS Decrypt of the wrapped platform key.
    for (const s of [ingest, translator, notifier]) {
      bucket.grantReadWrite(s.taskDefinition.taskRole);
      key.grantEncryptDecrypt(s.taskDefinition.taskRole);
    }
    // Tracking reads claim-checked event bodies (messages/) and writes nothing to the bucket.
    bucket.grantRead(tracking.taskDefinition.taskRole, `${CLAIM_CHECK_PREFIX}*`);
    for (const s of [ingest, translator, notifier, ...bridges, tracking]) {
      alerts.grantPublish(s.taskDefinition.taskRole);
      // The topic and the secrets are encrypted with the data key.
      key.grant(s.taskDefinition.taskRole, 'kms:GenerateDataKey*', 'kms:Decrypt');
      key.grantDecrypt(s.taskDefinition.obtainExecutionRole());
    }
    for (const s of [ingest, translator]) {
      s.taskDefinition.taskRole.addToPrincipalPolicy(
        new iam.PolicyStatement({
          actions: ['kms:Decrypt'],
          resources: [key.keyArn],
          conditions: { StringEquals: Object.fromEntries(props.platformKeyContext.split(',').map((kv) => kv.split('=')).map(([k, v]) => [`kms:EncryptionContext:${k}`, v])) },
        }),
      );
    }

    const consoleService = props.console && this.addConsole(props, props.console, {
      common,
      broker,
      trackingApiToken,
      replayToken,
      bucket,
      key,
      dnsNames: [['ingest', 'ingest'], ['translator', 'translator'], ['notifier', 'notifier'], ['tracking', 'tracking'], ...bridges.map((b): [string, string] => [b.node.id, b.node.id])],
    });

    scaleOnCpu(ingest.service, scaling.ingest);
    const translatorScaling = new QueueBacklogScalingConstruct(this, 'TranslatorScaling', {
      service: translator.service,
      serviceName: 'translator',
      clusterName,
      brokerName: props.brokerName,
      policy: scaling.translator,
    });
    const notifierScaling = new QueueBacklogScalingConstruct(this, 'NotifierScaling', {
      service: notifier.service,
      serviceName: 'notifier',
      clusterName,
      brokerName: props.brokerName,
      policy: scaling.notifier,
      extraQueues: subscriptionIds.map((id) => `edi.notifier.endpoint.${id}`),
    });
    const trackingScaling = new QueueBacklogScalingConstruct(this, 'TrackingScaling', {
      service: tracking.service,
      serviceName: 'tracking',
      clusterName,
      brokerName: props.brokerName,
      policy: scaling.tracking,
    });

    const queueOf = (destination: string): string => brokerQueueName(destination);
    const deadLetterQueues = [
      queueOf(resolvePolicy(DESTINATIONS.fileReceived).deadLetterDestination),
      queueOf(resolvePolicy(DESTINATIONS.transactionTranslated).deadLetterDestination),
      queueOf(resolvePolicy(DESTINATIONS.tracking).deadLetterDestination),
      ...subscriptionIds.map((id) => queueOf(resolvePolicy(`/queue/edi.notifier.endpoint.${id}`).deadLetterDestination)),
      'ActiveMQ.DLQ',
    ];
    const monitored: MonitoredService[] = [
      { serviceName: 'ingest', logGroup: ingest.logGroup, figures: [LOG_FIGURES.filesReceived, LOG_FIGURES.filesQuarantined, LOG_FIGURES.brokerConnectionLost] },
      {
        serviceName: 'translator',
        logGroup: translator.logGroup,
        figures: [LOG_FIGURES.filesTranslated, LOG_FIGURES.transactionsAccepted, LOG_FIGURES.messagesDeadLettered, LOG_FIGURES.brokerConnectionLost],
      },
      {
        serviceName: 'notifier',
        logGroup: notifier.logGroup,
        figures: [
          LOG_FIGURES.callbacksDelivered,
          LOG_FIGURES.callbackLatencyMs,
          LOG_FIGURES.callbackFailures,
          LOG_FIGURES.callbacksDeadLettered,
          LOG_FIGURES.circuitsOpened,
          LOG_FIGURES.messagesDeadLettered,
          LOG_FIGURES.brokerConnectionLost,
        ],
      },
      ...bridges.map((b) => ({ serviceName: b.node.id, logGroup: b.logGroup, figures: [] })),
      {
        serviceName: 'tracking',
        logGroup: tracking.logGroup,
        figures: [LOG_FIGURES.trackingMaintenanceFailed, LOG_FIGURES.messagesDeadLettered, LOG_FIGURES.brokerConnectionLost],
      },
      ...(consoleService ? [{ serviceName: 'console', logGroup: consoleService.logGroup, figures: [] }] : []),
    ];
    this.monitoring = new Monitoring(this, 'Monitoring', {
      topic: alerts,
      clusterName,
      brokerName: props.brokerName,
      services: monitored,
      inputQueues: [...scaling.translator.inputQueues, ...scaling.notifier.inputQueues, ...scaling.tracking.inputQueues],
      deadLetterQueues,
      backlogs: [
        { serviceName: 'translator', backlog: translatorScaling.backlog.with({ label: 'translator backlog per task' }) },
        { serviceName: 'notifier', backlog: notifierScaling.backlog.with({ label: 'notifier backlog per task' }) },
        { serviceName: 'tracking', backlog: trackingScaling.backlog.with({ label: 'tracking backlog per task' }) },
      ],
      trackingDatabase: { instanceIdentifier: props.tracking.databaseInstanceIdentifier },
    });
    new CfnOutput(this, 'ClusterName', { value: clusterName });
    new CfnOutput(this, 'ReplayTokenArn', { value: replayToken.secretArn, description: 'NOTIFIER_REPLAY_TOKEN for /admin/deadletters' });
    new CfnOutput(this, 'TrackingApiTokenArn', { value: trackingApiToken.secretArn, description: 'TRACKING_API_TOKEN: bearer token of the tracking API' });
    new CfnOutput(this, 'TrackingApiUrl', { value: `http://tracking.${clusterName}.internal:${HTTP_PORT}`, description: 'The tracking API, from inside the VPC (TrackingApiClients security group)' });
  }
  /**
   * The ops console (services/console): one task (two under CPU load) behind its ALB, in a security
   * group of its own that the ALB alone reaches on the HTTP port. It reads the tracking API and the
   * notifier's dead letters (both bearer tokens from the secrets the services hold), the broker's
   * statistics plugin over STOMP+SSL, and every service's /healthz, /readyz and /metrics by its
   * Cloud Map name; it writes only its audit log (audit/console/) to the bucket.
   */
  private addConsole(
    props: ServicesStackProps,
    settings: ConsoleSettings,
    deps: {
      common: Record<string, string>;
      broker: Record<string, ecs.Secret>;
      trackingApiToken: secretsmanager.ISecret;
      replayToken: secretsmanager.ISecret;
      bucket: s3.IBucket;
      key: kms.IKey;
      dnsNames: [string, string][];
    },
  ): EdiService {
    if (settings.operatorGroups.length + (settings.readOnlyGroups ?? []).length === 0) throw new Error('console: name at least one operator or read-only group');
    const namespace = `ediflow-${props.envName}.internal`;
    const url = (name: string): string => `http://${name}.${namespace}:${HTTP_PORT}`;
    const securityGroup = new ec2.SecurityGroup(this, 'ConsoleSg', {
      vpc: props.vpc,
      description: 'ediflow console tasks: reached by the console load balancer only',
      allowAllOutbound: true,
    });
    const alb = new ConsoleLoadBalancer(this, 'ConsoleLoadBalancer', { vpc: props.vpc, settings, consoleSecurityGroup: securityGroup });
    const sessionSecret = new secretsmanager.Secret(this, 'ConsoleSessionSecret', {
      description: 'Signs the console\'s session cookies and CSRF tokens (CONSOLE_SESSION_SECRET)',
      encryptionKey: deps.key,
      generateSecretString: { passwordLength: 48, excludePunctuation: true },
    });
    const service = new EdiService(this, 'console', {
      cluster: this.cluster,
      service: 'console',
      serviceName: 'console',
      image: props.image,
      size: CONSOLE_TASK_SIZE,
      securityGroups: [securityGroup],
      environment: {
        ...deps.common,
        CONSOLE_OIDC: 'true',
        CONSOLE_OIDC_ALB_ARN: alb.loadBalancer.loadBalancerArn,
        CONSOLE_OIDC_REGION: this.region,
        CONSOLE_OIDC_GROUPS_CLAIM: settings.groupsClaim ?? 'groups',
        CONSOLE_OIDC_USER_CLAIM: settings.userClaim ?? 'email',
        CONSOLE_OIDC_OPERATOR_GROUPS: settings.operatorGroups.join(','),
        CONSOLE_OIDC_READ_ONLY_GROUPS: (settings.readOnlyGroups ?? []).join(','),
        CONSOLE_SECURE_COOKIES: 'true',
        CONSOLE_TRACKING_URL: url('tracking'),
        CONSOLE_NOTIFIER_URL: url('notifier'),
        CONSOLE_BROKERS: `amazonmq=${props.brokerUrl}`,
        CONSOLE_SERVICES: deps.dnsNames.map(([name, dns]) => `${name}=${url(dns)}`).join(';'),
      },
      secrets: {
        ...deps.broker,
        CONSOLE_TRACKING_TOKEN: ecs.Secret.fromSecretsManager(deps.trackingApiToken),
        CONSOLE_NOTIFIER_TOKEN: ecs.Secret.fromSecretsManager(deps.replayToken),
        CONSOLE_SESSION_SECRET: ecs.Secret.fromSecretsManager(sessionSecret),
      },
    });
    this.services.console = service;
    alb.attach(service);
    // What the console calls, each from its own group only: the broker's STOMP+SSL, the tracking
    // API, and the HTTP port of the other services (the notifier's /admin/deadletters, /metrics).
    const ingress = (id: string, group: ec2.ISecurityGroup, port: number, description: string) =>
      new ec2.CfnSecurityGroupIngress(this, id, {
        groupId: group.securityGroupId,
        sourceSecurityGroupId: securityGroup.securityGroupId,
        ipProtocol: 'tcp',
        fromPort: port,
        toPort: port,
        description,
      });
    ingress('ConsoleToBroker', props.brokerSecurityGroup, STOMP_SSL_PORT, 'STOMP+SSL from the console (queue statistics)');
    ingress('ConsoleToTracking', props.tracking.securityGroup, HTTP_PORT, 'tracking API from the console');
    ingress('ConsoleToServices', props.servicesSecurityGroup, HTTP_PORT, 'notifier dead letters and every service\'s health and metrics, from the console');
    deps.bucket.grantReadWrite(service.taskDefinition.taskRole, 'audit/console/*');
    deps.key.grantEncryptDecrypt(service.taskDefinition.taskRole);
    deps.key.grantDecrypt(service.taskDefinition.obtainExecutionRole());
    new CfnOutput(this, 'ConsoleSessionSecretArn', { value: sessionSecret.secretArn, description: 'CONSOLE_SESSION_SECRET of the console' });
    return service;
  }
}
