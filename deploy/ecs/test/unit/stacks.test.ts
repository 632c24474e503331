/**
 * Assertions over the synthesized CloudFormation templates (aws-cdk-lib/assertions), with the
 * context of cdk.context.json so no AWS call is made, and a registry image instead of the
 * Dockerfile asset (the synth test in test/integration builds the app as `cdk synth` does).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import { createStacks } from '../../src/app';
import type { ConsoleSettings } from '../../src/console-service';
import { CONSOLE_SETTINGS } from '../console-settings';
import { SCALING, queueDrivenServices, scaleInThreshold, scaleOutThreshold } from '../../src/scaling-policy';
import { DRAIN_BOUND_SECONDS, HTTP_PORT, STOP_TIMEOUT_SECONDS, TASK_SIZES } from '../../src/sizing';
import { RDS_CA_FILE } from '../../src/tracking-database-stack';

const ROOT = path.join(__dirname, '..', '..');
type Json = Record<string, unknown>;

const CONSOLE = CONSOLE_SETTINGS;

function synth(console?: ConsoleSettings) {
  const context = JSON.parse(readFileSync(path.join(ROOT, 'cdk.context.json'), 'utf8')) as Json;
  const app = new App({ context: { ...context, '@aws-cdk/core:defaultCrossStackReferences': 'strong' } });
  const routes = JSON.parse(readFileSync(path.join(ROOT, '..', '..', 'services', 'bridge', 'routes.example.json'), 'utf8')) as unknown;
  const stacks = createStacks(app, {
    envName: 'test',
    env: { account: '111111111111', region: 'us-east-1' },
    image: ecs.ContainerImage.fromRegistry('ediflow:test'),
    notifierSubscriptionIds: ['acme-claims'],
    notifierSecrets: { ACME_HMAC_SECRET: { secret: 'ediflow/acme-hmac' } },
    bridgeRouteSets: [
      {
        name: 'onprem',
        routes,
        secrets: {
          ONPREM_MQ_LOGIN: { secret: 'ediflow/onprem-mq', field: 'username' },
          ONPREM_MQ_PASSCODE: { secret: 'ediflow/onprem-mq', field: 'password' },
          AMAZONMQ_LOGIN: { secret: 'ediflow/amazonmq-bridge', field: 'username' },
          AMAZONMQ_PASSCODE: { secret: 'ediflow/amazonmq-bridge', field: 'password' },
        },
      },
    ],
    console,
  });
  return {
    data: Template.fromStack(stacks.data),
    broker: Template.fromStack(stacks.broker),
    tracking: Template.fromStack(stacks.tracking),
    services: Template.fromStack(stacks.services),
  };
}

const t = synth();
const resources = (tpl: Template, type: string): [string, Json][] => Object.entries(tpl.findResources(type)) as [string, Json][];
const props = (r: Json): Json => r.Properties as Json;
const json = (v: unknown): string => JSON.stringify(v) ?? '';

describe('broker stack', () => {
  it('when synthesized, then the broker is an active/standby pair over two subnets, private, with logs on', () => {
    t.broker.resourceCountIs('AWS::AmazonMQ::Broker', 1);
    t.broker.hasResourceProperties('AWS::AmazonMQ::Broker', {
      DeploymentMode: 'ACTIVE_STANDBY_MULTI_AZ',
      PubliclyAccessible: false,
      EngineType: 'ACTIVEMQ',
      Logs: { General: true, Audit: true },
    });
    const [, broker] = resources(t.broker, 'AWS::AmazonMQ::Broker')[0];
    expect(props(broker).SubnetIds).toHaveLength(2);
  });

  it('when synthesized, then the broker configuration turns the scheduler and the statistics plugin on', () => {
    const [, config] = resources(t.broker, 'AWS::AmazonMQ::Configuration')[0];
    const xml = (props(config).Data as { 'Fn::Base64': string })['Fn::Base64'];
    expect(xml).toMatch(/<broker [^>]*schedulerSupport="true"/);
    expect(xml).toMatch(/<plugins>\s*<statisticsBrokerPlugin\/>\s*<\/plugins>/);
  });

  it('when synthesized, then STOMP+SSL 61614 is the only way in, from the services\' security group alone', () => {
    const ingress = resources(t.broker, 'AWS::EC2::SecurityGroupIngress').map(([, r]) => props(r));
    const toBroker = ingress.filter((i) => json(i.GroupId).includes('BrokerSg'));
    expect(toBroker).toHaveLength(1);
    expect(toBroker[0]).toMatchObject({ IpProtocol: 'tcp', FromPort: 61614, ToPort: 61614 });
    expect(json(toBroker[0].SourceSecurityGroupId)).toContain('Services');
    const [, sg] = resources(t.broker, 'AWS::EC2::SecurityGroup').find(([id]) => id.startsWith('BrokerSg'))!;
    expect(props(sg).SecurityGroupIngress).toBeUndefined();
  });

  it('when synthesized, then the broker user comes from Secrets Manager, never a literal', () => {
    const [, broker] = resources(t.broker, 'AWS::AmazonMQ::Broker')[0];
    expect(json(props(broker).Users)).toContain('resolve:secretsmanager');
  });
});

describe('data stack', () => {
  it('when synthesized, then the bucket is SSE-KMS with a bucket key, private, with a claim-check lifecycle', () => {
    t.data.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: { ServerSideEncryptionConfiguration: [Match.objectLike({ BucketKeyEnabled: true, ServerSideEncryptionByDefault: Match.objectLike({ SSEAlgorithm: 'aws:kms' }) })] },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      LifecycleConfiguration: { Rules: Match.arrayWith([Match.objectLike({ Prefix: 'messages/', ExpirationInDays: 30, Status: 'Enabled' })]) },
    });
    t.data.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
  });

  it('when synthesized, then the bucket policy denies plain HTTP and has no conditional-write Deny (ingest copies and overwrites)', () => {
    const [, policy] = resources(t.data, 'AWS::S3::BucketPolicy')[0];
    const statements = (props(policy).PolicyDocument as { Statement: Json[] }).Statement;
    expect(statements).toContainEqual(expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }));
    for (const s of statements.filter((x) => x.Effect === 'Deny')) expect(json(s.Condition)).not.toMatch(/if-none-match|if-match|ObjectCreationOperation/i);
  });

  it('when synthesized, then the SFTP server and its user role are outputs that edi partners onboard takes', () => {
    t.data.hasResourceProperties('AWS::Transfer::Server', { Protocols: ['SFTP'], Domain: 'S3', IdentityProviderType: 'SERVICE_MANAGED' });
    const outputs = t.data.toJSON().Outputs as Json;
    expect(Object.keys(outputs)).toEqual(expect.arrayContaining(['TransferServerId', 'TransferUserRoleArn', 'BucketName', 'AlertTopicArn']));
  });
});

describe('services stack', () => {
  const taskDefs = resources(t.services, 'AWS::ECS::TaskDefinition');
  const containers = taskDefs.map(([id, r]) => [id, (props(r).ContainerDefinitions as Json[])[0]] as const);

  it('when synthesized, then there is a task definition per service (a bridge per route set), on a cluster with Container Insights', () => {
    expect(taskDefs.map(([, r]) => props(r).Family).sort()).toEqual(['bridge-onprem', 'ingest', 'notifier', 'tracking', 'translator']);
    t.services.hasResourceProperties('AWS::ECS::Cluster', { ClusterSettings: [{ Name: 'containerInsights', Value: 'enabled' }] });
  });

  it('when synthesized, then each container has the stop timeout, the /healthz check, a read-only root, a non-root user and its service command', () => {
    expect(STOP_TIMEOUT_SECONDS).toBeGreaterThan(DRAIN_BOUND_SECONDS);
    for (const [, c] of containers) {
      expect(c.StopTimeout).toBe(STOP_TIMEOUT_SECONDS);
      expect(json((c.HealthCheck as Json).Command)).toContain('/healthz');
      expect(json((c.HealthCheck as Json).Command)).not.toContain('/readyz');
      expect(c.ReadonlyRootFilesystem).toBe(true);
      expect(c.User).toBe('1000:1000');
      expect(json(c.Command)).toMatch(/services\/(ingest|translator|notifier|bridge|tracking)\/dist\/main\.js/);
      expect(c.Environment).toEqual(expect.arrayContaining([{ Name: 'HTTP_HOST', Value: '0.0.0.0' }]));
    }
  });

  it('when synthesized, then secrets come from Secrets Manager and no secret is in plain environment', () => {
    const secretNames = /(PASS|PASSWORD|PASSCODE|SECRET|TOKEN|LOGIN|PRIVATE_KEY)$/;
    for (const [, c] of containers) {
      const env = c.Environment as { Name: string; Value: unknown }[];
      const secrets = c.Secrets as { Name: string; ValueFrom: unknown }[];
      expect(secrets.length).toBeGreaterThan(0);
      for (const e of env) {
        expect(e.Name).not.toMatch(secretNames);
        expect(json(e.Value)).not.toMatch(/resolve:secretsmanager|SecretString/);
      }
      for (const s of secrets) expect(json(s.ValueFrom)).toMatch(/secretsmanager|BrokerCredentials|PgpPassphrase|ReplayToken|TrackingApiToken|DatabaseSecretAttachment/);
    }
    const byFamily = Object.fromEntries(taskDefs.map(([, r]) => [props(r).Family, (props(r).ContainerDefinitions as Json[])[0]]));
    const names = (family: string) => (byFamily[family].Secrets as { Name: string }[]).map((s) => s.Name).sort();
    expect(names('ingest')).toEqual(['BROKER_LOGIN', 'BROKER_PASSCODE', 'PGP_PASSPHRASE']);
    expect(names('notifier')).toEqual(['ACME_HMAC_SECRET', 'BROKER_LOGIN', 'BROKER_PASSCODE', 'NOTIFIER_REPLAY_TOKEN']);
    expect(names('bridge-onprem')).toEqual(['AMAZONMQ_LOGIN', 'AMAZONMQ_PASSCODE', 'ONPREM_MQ_LOGIN', 'ONPREM_MQ_PASSCODE']);
    expect(names('tracking')).toEqual(['BROKER_LOGIN', 'BROKER_PASSCODE', 'TRACKING_API_TOKEN', 'TRACKING_DATABASE_PASSWORD']);
  });

  it('when synthesized, then the tasks get the failover broker URL and the services\' object-store settings', () => {
    const [, ingest] = containers.find(([id]) => id.startsWith('ingest'))!;
    const env = Object.fromEntries((ingest.Environment as { Name: string; Value: unknown }[]).map((e) => [e.Name, e.Value]));
    expect(json(env.BROKER_URL)).toContain('failover:(');
    expect(json(env.BROKER_URL)).toContain('StompEndpoints');
    expect(env).toMatchObject({ STORE_KIND: 's3', PARTNERS_OBJECT_KEY: 'config/partners.json', PGP_PRIVATE_KEY_WRAPPED_OBJECT_KEY: 'config/platform-key.wrapped.json' });
  });

  it('when synthesized, then the translator translates on as many threads as its task has vCPUs', () => {
    const [, translator] = containers.find(([id]) => id.startsWith('translator'))!;
    const env = Object.fromEntries((translator.Environment as { Name: string; Value: unknown }[]).map((e) => [e.Name, e.Value]));
    expect(env.TRANSLATOR_THREADS).toBe(String(Math.max(1, Math.floor(TASK_SIZES.translator.cpu / 1024))));
  });

  it('when synthesized, then deployments roll back on failure, and the bridge never runs two tasks at once', () => {
    const services = resources(t.services, 'AWS::ECS::Service').map(([, r]) => props(r));
    expect(services).toHaveLength(5);
    for (const s of services) expect((s.DeploymentConfiguration as Json).DeploymentCircuitBreaker).toEqual({ Enable: true, Rollback: true });
    const bridge = services.find((s) => s.ServiceName === 'bridge-onprem')!;
    expect(bridge.DesiredCount).toBe(SCALING.bridge.tasks);
    expect(bridge.DeploymentConfiguration).toMatchObject({ MinimumHealthyPercent: 0, MaximumPercent: 100 });
    const routes = ((containers.find(([id]) => id.startsWith('bridgeonprem'))![1].Environment as { Name: string; Value: string }[]).find((e) => e.Name === 'BRIDGE_ROUTES'))!;
    expect(JSON.parse(routes.Value)).toHaveProperty('routes');
  });

  it('when synthesized, then queue-driven services have ChangeInCapacity step policies with the policy module\'s steps and cooldowns', () => {
    const policies = resources(t.services, 'AWS::ApplicationAutoScaling::ScalingPolicy').map(([id, r]) => [id, props(r)] as const);
    for (const [name, policy] of queueDrivenServices()) {
      const prefix = `${name[0].toUpperCase()}${name.slice(1)}Scaling`;
      const out = policies.find(([id]) => id.startsWith(`${prefix}ScaleOut`))![1].StepScalingPolicyConfiguration as Json;
      const scaleIn = policies.find(([id]) => id.startsWith(`${prefix}ScaleIn`))![1].StepScalingPolicyConfiguration as Json;
      expect(out).toMatchObject({ AdjustmentType: 'ChangeInCapacity', Cooldown: policy.scaleOut.cooldownSeconds });
      expect(scaleIn).toMatchObject({ AdjustmentType: 'ChangeInCapacity', Cooldown: policy.scaleIn.cooldownSeconds });
      const outSteps = (out.StepAdjustments as Json[]).map((s) => [Number(s.MetricIntervalLowerBound) + scaleOutThreshold(policy), s.ScalingAdjustment]);
      expect(outSteps).toEqual(policy.scaleOut.steps.map((s) => [s.atLeast, s.change]));
      const inSteps = (scaleIn.StepAdjustments as Json[]).map((s) => [Number(s.MetricIntervalUpperBound) + scaleInThreshold(policy), s.ScalingAdjustment]);
      expect(inSteps.sort()).toEqual(policy.scaleIn.steps.map((s) => [s.below, s.change]).sort());
      t.services.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', {
        ResourceId: Match.stringLikeRegexp(`service/ediflow-test/${name}$`),
        MinCapacity: policy.minTasks,
        MaxCapacity: policy.maxTasks,
      });
    }
    // ingest tracks CPU
    expect(policies.filter(([, p]) => p.PolicyType === 'TargetTrackingScaling')).toHaveLength(1);
  });

  it('when synthesized, then every scaling alarm reads the queue depth on both broker nodes', () => {
    const scalingAlarms = resources(t.services, 'AWS::CloudWatch::Alarm').filter(([id]) => /Scaling(ScaleOut|ScaleIn)Alarm/.test(id));
    expect(scalingAlarms).toHaveLength(2 * queueDrivenServices().length);
    for (const [, alarm] of scalingAlarms) {
      const metrics = props(alarm).Metrics as Json[];
      const depthStats = metrics.filter((m) => json(m.MetricStat).includes('QueueSize'));
      const nodes = depthStats.map((m) => ((m.MetricStat as Json).Metric as { Dimensions: { Name: string; Value: string }[] }).Dimensions.find((d) => d.Name === 'Broker')!.Value);
      expect(nodes.filter((n) => n === 'ediflow-test-1').length).toBeGreaterThan(0);
      expect(nodes.filter((n) => n === 'ediflow-test-1').length).toBe(nodes.filter((n) => n === 'ediflow-test-2').length);
      expect(json(metrics)).toContain('MAX([FILL(');
      expect(json(metrics)).toContain('RunningTaskCount');
      expect(metrics.length).toBeLessThanOrEqual(10 + 4);
    }
  });

  it('when synthesized, then every other alarm publishes to the alert topic, and there is one dashboard', () => {
    const others = resources(t.services, 'AWS::CloudWatch::Alarm').filter(([id]) => !/Scaling(ScaleOut|ScaleIn)Alarm|TargetTracking/.test(id));
    expect(others.length).toBeGreaterThanOrEqual(10);
    for (const [, a] of others) expect(json(props(a).AlarmActions)).toContain('ExportsOutputRefAlerts');
    const descriptions = others.map(([, a]) => String(props(a).AlarmDescription));
    for (const topic of ['dead-letter queue', 'quarantined', 'circuit', 'broker connection', 'fewer tasks running', 'waited more than']) {
      expect(descriptions.some((d) => d.includes(topic))).toBe(true);
    }
    t.services.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
  });
});

describe('tracking', () => {
  const [, db] = resources(t.tracking, 'AWS::RDS::DBInstance')[0];
  const container = (family: string): Json => {
    const [, td] = resources(t.services, 'AWS::ECS::TaskDefinition').find(([, r]) => props(r).Family === family)!;
    return (props(td).ContainerDefinitions as Json[])[0];
  };
  const envOf = (family: string): Record<string, unknown> => Object.fromEntries((container(family).Environment as { Name: string; Value: unknown }[]).map((e) => [e.Name, e.Value]));
  const ingressOf = (tpl: Template, group: string): Json[] =>
    resources(tpl, 'AWS::EC2::SecurityGroupIngress').map(([, r]) => props(r)).filter((i) => json(i.GroupId).includes(group));

  it('when synthesized, then the database is PostgreSQL 15 or later, encrypted with the project key, private, in isolated subnets', () => {
    t.tracking.resourceCountIs('AWS::RDS::DBInstance', 1);
    const p = props(db);
    expect(p).toMatchObject({ Engine: 'postgres', StorageEncrypted: true, PubliclyAccessible: false, DBName: 'tracking', CACertificateIdentifier: 'rds-ca-rsa2048-g1' });
    expect(Number(String(p.EngineVersion).split('.')[0])).toBeGreaterThanOrEqual(15);
    expect(json(p.KmsKeyId)).toContain('Ediflow-test-Data');
    const [, subnets] = resources(t.tracking, 'AWS::RDS::DBSubnetGroup')[0];
    expect(json(props(subnets).SubnetIds)).toMatch(/brokerSubnet1.*brokerSubnet2/);
    expect(json(props(subnets).SubnetIds)).not.toMatch(/public|servicesSubnet/);
  });

  it('when synthesized, then deletion protection, a snapshot on removal, backups and a standby are on', () => {
    expect(props(db)).toMatchObject({ DeletionProtection: true, BackupRetentionPeriod: 14, MultiAZ: true, CopyTagsToSnapshot: true });
    expect(db).toMatchObject({ DeletionPolicy: 'Snapshot', UpdateReplacePolicy: 'Snapshot' });
  });

  it('when synthesized, then TLS is required by the parameter group the instance uses', () => {
    const [groupId, group] = resources(t.tracking, 'AWS::RDS::DBParameterGroup')[0];
    expect(props(group).Parameters).toMatchObject({ 'rds.force_ssl': '1', ssl_min_protocol_version: 'TLSv1.2' });
    expect(props(db).DBParameterGroupName).toEqual({ Ref: groupId });
  });

  it('when synthesized, then 5432 is the only way in, from the tracking tasks\' security group alone, which only the tracking service has', () => {
    const toDb = ingressOf(t.tracking, 'DatabaseSg');
    expect(toDb).toHaveLength(1);
    expect(toDb[0]).toMatchObject({ IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432 });
    expect(json(toDb[0].SourceSecurityGroupId)).toContain('TrackingTasks');
    const [, sg] = resources(t.tracking, 'AWS::EC2::SecurityGroup').find(([id]) => id.startsWith('DatabaseSg'))!;
    expect(props(sg).SecurityGroupIngress).toBeUndefined();
    expect(json(props(db).VPCSecurityGroups)).toContain('DatabaseSg');
    const withTrackingGroup = resources(t.services, 'AWS::ECS::Service')
      .map(([, r]) => props(r))
      .filter((s) => json(s.NetworkConfiguration).includes('TrackingTasks'))
      .map((s) => s.ServiceName);
    expect(withTrackingGroup).toEqual(['tracking']);
  });

  it('when synthesized, then the password is generated into a KMS-encrypted secret and injected as TRACKING_DATABASE_PASSWORD, with the API token', () => {
    const [, secret] = resources(t.tracking, 'AWS::SecretsManager::Secret')[0];
    expect(props(secret).GenerateSecretString).toMatchObject({ GenerateStringKey: 'password', SecretStringTemplate: JSON.stringify({ username: 'ediflow_tracking' }) });
    expect(json(props(secret).KmsKeyId)).toContain('Ediflow-test-Data');
    expect(json(props(db).MasterUserPassword)).toContain('resolve:secretsmanager');
    const secrets = Object.fromEntries((container('tracking').Secrets as { Name: string; ValueFrom: unknown }[]).map((x) => [x.Name, json(x.ValueFrom)]));
    expect(secrets.TRACKING_DATABASE_PASSWORD).toMatch(/Ediflow-test-Tracking:ExportsOutputRefDatabaseSecretAttachment.*:password::/);
    expect(secrets.TRACKING_API_TOKEN).toContain('TrackingApiToken');
    t.services.hasResourceProperties('AWS::SecretsManager::Secret', { Description: Match.stringLikeRegexp('TRACKING_API_TOKEN'), GenerateSecretString: Match.objectLike({ PasswordLength: 48 }) });
  });

  it('when synthesized, then the tracking task runs its entry point against RDS with TLS verified by the bundle in the image, and the broker', () => {
    expect(container('tracking').Command).toEqual(['services/tracking/dist/main.js']);
    const env = envOf('tracking');
    expect(json(env.TRACKING_DATABASE_URL)).toMatch(/postgres:\/\/ediflow_tracking@.*EndpointAddress.*:.*EndpointPort.*\/tracking/);
    expect(json(env.TRACKING_DATABASE_URL)).not.toContain('password');
    expect(env).toMatchObject({ TRACKING_DATABASE_SSL: 'verify', TRACKING_DATABASE_CA_FILE: RDS_CA_FILE, TRACKING_RETENTION_DAYS: '400', STORE_KIND: 's3' });
    expect(json(env.BROKER_URL)).toContain('failover:(');
  });

  it('when synthesized, then the tracking API has no load balancer: only the API clients\' group reaches port 8080, and it has a private DNS name', () => {
    for (const tpl of [t.data, t.broker, t.tracking, t.services]) expect(Object.keys(tpl.findResources('AWS::ElasticLoadBalancingV2::LoadBalancer'))).toEqual([]);
    const toTasks = ingressOf(t.tracking, 'TrackingTasks');
    expect(toTasks).toHaveLength(1);
    expect(toTasks[0]).toMatchObject({ IpProtocol: 'tcp', FromPort: HTTP_PORT, ToPort: HTTP_PORT });
    expect(json(toTasks[0].SourceSecurityGroupId)).toContain('TrackingApiClients');
    t.services.hasResourceProperties('AWS::ServiceDiscovery::PrivateDnsNamespace', { Name: 'ediflow-test.internal' });
    t.services.hasResourceProperties('AWS::ServiceDiscovery::Service', { Name: 'tracking' });
    const outputs = t.services.toJSON().Outputs as Record<string, { Value: unknown }>;
    expect(outputs.TrackingApiUrl.Value).toBe(`http://tracking.ediflow-test.internal:${HTTP_PORT}`);
  });

  it('when synthesized, then the tracking task may read claim-checked bodies and write nothing to the bucket', () => {
    const policies = resources(t.services, 'AWS::IAM::Policy').filter(([id]) => id.startsWith('trackingTaskTaskRole'));
    expect(policies).toHaveLength(1);
    const statements = (props(policies[0][1]).PolicyDocument as { Statement: Json[] }).Statement;
    const s3 = statements.filter((st) => json(st.Action).includes('s3:'));
    expect(json(s3)).toContain('/messages/*');
    expect(json(s3)).not.toMatch(/s3:(PutObject|DeleteObject)/);
  });

  it('when synthesized, then alarms watch the tracking queue, its dead-letter queue, its tasks and its maintenance, and it scales on its backlog', () => {
    const alarms = resources(t.services, 'AWS::CloudWatch::Alarm').map(([id, a]) => [id, props(a)] as const);
    const about = (text: string) => alarms.filter(([, a]) => String(a.AlarmDescription).includes(text));
    expect(about('DLQ./queue/edi.tracking.events')).toHaveLength(1);
    expect(json(about('DLQ./queue/edi.tracking.events')[0][1].Metrics)).toContain('DLQ./queue/edi.tracking.events');
    expect(about('edi.tracking.events before delivery')).toHaveLength(1);
    expect(about('edi.tracking.events held messages')).toHaveLength(1);
    expect(about('tracking: fewer tasks running')).toHaveLength(1);
    expect(about('scheduled purge')).toHaveLength(1);
    for (const text of ['less than 5 GiB of free storage', 'CPU stayed above 80']) {
      expect(about(text)).toHaveLength(1);
      expect(json(about(text)[0][1].Dimensions)).toContain('Ediflow-test-Tracking:ExportsOutputRefDatabase');
    }
    for (const [, a] of [...about('edi.tracking.events'), ...about('tracking: '), ...about('scheduled purge')]) expect(json(a.AlarmActions)).toContain('ExportsOutputRefAlerts');
    const scaling = alarms.filter(([id]) => id.startsWith('TrackingScaling'));
    expect(scaling).toHaveLength(2);
    for (const [, a] of scaling) {
      expect(json(a.Metrics)).toContain('"Value":"edi.tracking.events"');
      expect(json(a.Metrics)).toContain('"Value":"tracking"');
    }
    expect(queueDrivenServices().map(([name]) => name)).toContain('tracking');
    const [, dashboard] = resources(t.services, 'AWS::CloudWatch::Dashboard')[0];
    const body = json(props(dashboard).DashboardBody);
    expect(body).toContain('tracking: backlog per running task');
    expect(body).toContain('edi.tracking.events');
    expect(body).toContain('Tracking database: CPU, connections, free storage');
  });
});

describe('ops console', () => {
  const c = synth(CONSOLE);
  const ingressTo = (tpl: Template, group: string) => resources(tpl, 'AWS::EC2::SecurityGroupIngress').map(([, r]) => props(r)).filter((i) => json(i.GroupId).includes(group));
  const consoleTask = resources(c.services, 'AWS::ECS::TaskDefinition').map(([, r]) => props(r)).find((r) => r.Family === 'console')!;
  const container = (consoleTask.ContainerDefinitions as Json[])[0];
  const env = Object.fromEntries((container.Environment as { Name: string; Value: unknown }[]).map((e) => [e.Name, e.Value]));

  it('when a console is configured, then the HTTPS listener authenticates with the IdP first and then forwards to the console', () => {
    c.services.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', { Scheme: 'internal', Type: 'application' });
    const listeners = resources(c.services, 'AWS::ElasticLoadBalancingV2::Listener').map(([, r]) => props(r));
    expect(listeners.map((l) => l.Port).sort()).toEqual([443, 80]);
    const https = listeners.find((l) => l.Port === 443)!;
    expect(https).toMatchObject({ Protocol: 'HTTPS', Certificates: [{ CertificateArn: CONSOLE.certificateArn }] });
    const actions = https.DefaultActions as Json[];
    expect(actions.map((a) => [a.Order, a.Type])).toEqual([[1, 'authenticate-oidc'], [2, 'forward']]);
    expect(actions[0].AuthenticateOidcConfig).toMatchObject({
      Issuer: 'https://idp.example.com',
      AuthorizationEndpoint: 'https://idp.example.com/authorize',
      TokenEndpoint: 'https://idp.example.com/token',
      UserInfoEndpoint: 'https://idp.example.com/userinfo',
      ClientId: 'ediflow-console',
      ClientSecret: '{{resolve:secretsmanager:ediflow/console-oidc:SecretString:clientSecret::}}',
      OnUnauthenticatedRequest: 'authenticate',
    });
    expect(json(actions[1].TargetGroupArn)).toContain('ConsoleLoadBalancerTargets');
    c.services.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
      Port: HTTP_PORT,
      Protocol: 'HTTP',
      TargetType: 'ip',
      HealthCheckPath: '/healthz',
      TargetGroupAttributes: Match.arrayWith([{ Key: 'stickiness.enabled', Value: 'true' }, { Key: 'stickiness.type', Value: 'lb_cookie' }]),
    });
  });

  it('when a console is configured, then HTTP 80 only redirects to HTTPS and forwards nothing', () => {
    const http = resources(c.services, 'AWS::ElasticLoadBalancingV2::Listener').map(([, r]) => props(r)).find((l) => l.Port === 80)!;
    expect(http.Protocol).toBe('HTTP');
    expect(http.DefaultActions).toEqual([{ Type: 'redirect', RedirectConfig: { Protocol: 'HTTPS', Port: '443', StatusCode: 'HTTP_301' } }]);
    expect(resources(c.services, 'AWS::ElasticLoadBalancingV2::ListenerRule')).toEqual([]);
  });

  it('when a console is configured, then only the load balancer reaches the console, on its port only, and the console reaches the broker, tracking and the services', () => {
    const toConsole = ingressTo(c.services, 'ConsoleSg');
    expect(toConsole).toHaveLength(1);
    expect(toConsole[0]).toMatchObject({ IpProtocol: 'tcp', FromPort: HTTP_PORT, ToPort: HTTP_PORT });
    expect(json(toConsole[0].SourceSecurityGroupId)).toContain('ConsoleLoadBalancerAlbSg');
    const consoleSg = resources(c.services, 'AWS::EC2::SecurityGroup').find(([id]) => id.startsWith('ConsoleSg'))!;
    expect(props(consoleSg[1]).SecurityGroupIngress).toBeUndefined();
    const albSg = props(resources(c.services, 'AWS::EC2::SecurityGroup').find(([id]) => id.startsWith('ConsoleLoadBalancerAlbSg'))![1]);
    const albIngress = albSg.SecurityGroupIngress as Json[];
    expect(albIngress.map((i) => i.FromPort).sort()).toEqual([443, 80]);
    for (const i of albIngress) expect(json(i.CidrIp)).toMatch(/Vpc.*CidrBlock/);
    const albEgress = resources(c.services, 'AWS::EC2::SecurityGroupEgress').map(([, r]) => props(r)).filter((e) => json(e.GroupId).includes('ConsoleLoadBalancerAlbSg'));
    expect(albEgress.map((e) => e.FromPort)).toEqual([HTTP_PORT]);
    const fromConsole = resources(c.services, 'AWS::EC2::SecurityGroupIngress').map(([, r]) => props(r)).filter((i) => json(i.SourceSecurityGroupId).includes('ConsoleSg') && !json(i.GroupId).includes('ConsoleSg'));
    const targets = fromConsole.map((i) => [json(i.GroupId).match(/BrokerSg|TrackingTasks|Services[A-Z0-9]/)?.[0], i.FromPort, i.ToPort]);
    expect(targets.sort()).toEqual([['BrokerSg', 61614, 61614], ['Services8', HTTP_PORT, HTTP_PORT], ['TrackingTasks', HTTP_PORT, HTTP_PORT]].sort());
  });

  it('when a console is configured, then its task trusts the OIDC header of this load balancer and gets every URL, token and the broker', () => {
    expect(json(container.Command)).toBe('["services/console/dist/main.js"]');
    expect(env).toMatchObject({
      CONSOLE_OIDC: 'true',
      CONSOLE_OIDC_REGION: 'us-east-1',
      CONSOLE_OIDC_GROUPS_CLAIM: 'groups',
      CONSOLE_OIDC_OPERATOR_GROUPS: 'edi-operators',
      CONSOLE_OIDC_READ_ONLY_GROUPS: 'edi-support,edi-audit',
      CONSOLE_SECURE_COOKIES: 'true',
      CONSOLE_TRACKING_URL: `http://tracking.ediflow-test.internal:${HTTP_PORT}`,
      CONSOLE_NOTIFIER_URL: `http://notifier.ediflow-test.internal:${HTTP_PORT}`,
      STORE_KIND: 's3',
    });
    expect(env.CONSOLE_OIDC_ALB_ARN).toEqual({ Ref: expect.stringMatching(/^ConsoleLoadBalancerAlb/) });
    expect(json(env.CONSOLE_BROKERS)).toMatch(/amazonmq=failover:\(.*StompEndpoints/);
    expect(String(env.CONSOLE_SERVICES).split(';').sort()).toEqual(
      ['bridge-onprem', 'ingest', 'notifier', 'tracking', 'translator'].map((n) => `${n}=http://${n}.ediflow-test.internal:${HTTP_PORT}`),
    );
    const secrets = Object.fromEntries((container.Secrets as { Name: string; ValueFrom: unknown }[]).map((x) => [x.Name, json(x.ValueFrom)]));
    expect(Object.keys(secrets).sort()).toEqual(['BROKER_LOGIN', 'BROKER_PASSCODE', 'CONSOLE_NOTIFIER_TOKEN', 'CONSOLE_SESSION_SECRET', 'CONSOLE_TRACKING_TOKEN']);
    expect(secrets.CONSOLE_TRACKING_TOKEN).toContain('TrackingApiToken');
    expect(secrets.CONSOLE_NOTIFIER_TOKEN).toContain('ReplayToken');
    expect(secrets.CONSOLE_SESSION_SECRET).toContain('ConsoleSessionSecret');
    c.services.hasResourceProperties('AWS::SecretsManager::Secret', { Description: Match.stringLikeRegexp('CONSOLE_SESSION_SECRET'), GenerateSecretString: Match.objectLike({ PasswordLength: 48 }) });
  });

  it('when a console is configured, then every service has a Cloud Map name, the console runs 1 to 2 tasks, and an alarm watches its running tasks', () => {
    const names = resources(c.services, 'AWS::ServiceDiscovery::Service').map(([, r]) => props(r).Name).sort();
    expect(names).toEqual(['bridge-onprem', 'ingest', 'notifier', 'tracking', 'translator']);
    const [, target] = resources(c.services, 'AWS::ApplicationAutoScaling::ScalableTarget').find(([id]) => id.startsWith('consoleService'))!;
    expect(props(target)).toMatchObject({ MinCapacity: 1, MaxCapacity: 2 });
    const service = resources(c.services, 'AWS::ECS::Service').map(([, r]) => props(r)).find((x) => x.ServiceName === 'console')!;
    expect(service.LoadBalancers).toEqual([expect.objectContaining({ ContainerName: 'app', ContainerPort: HTTP_PORT })]);
    const alarms = resources(c.services, 'AWS::CloudWatch::Alarm').map(([, a]) => props(a));
    expect(alarms.filter((a) => String(a.AlarmDescription).startsWith('console: fewer tasks running'))).toHaveLength(1);
    const policy = resources(c.services, 'AWS::IAM::Policy').filter(([id]) => id.startsWith('consoleTaskTaskRole'));
    expect(json(policy)).toContain('/audit/console/*');
  });

  it('when the console is internet-facing, then its load balancer is in the public subnets; without groups, synthesis refuses', () => {
    const open = synth({ ...CONSOLE, internetFacing: true, allowedCidrs: ['203.0.113.0/24'] });
    open.services.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', { Scheme: 'internet-facing' });
    open.services.hasResourceProperties('AWS::EC2::SecurityGroup', { SecurityGroupIngress: Match.arrayWith([Match.objectLike({ CidrIp: '203.0.113.0/24', FromPort: 443 })]) });
    expect(() => synth({ ...CONSOLE, operatorGroups: [], readOnlyGroups: [] })).toThrow(/operator or read-only group/);
  });
});
