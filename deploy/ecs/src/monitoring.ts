import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { LOG_METRICS_NAMESPACE, bothNodes, brokerNodes, logMetric, queueMetric, taskCount } from './metrics';
import { METRIC_PERIOD_SECONDS } from './scaling-policy';

/** A figure counted from the services' JSON log lines (pino's `msg`), never from their contents. */
export interface LogFigure {
  metricName: string;
  /** The `msg` of the log line. */
  message: string;
  /** A numeric field of the line to sum instead of counting lines. */
  valueField?: string;
}

export const LOG_FIGURES = {
  filesReceived: { metricName: 'FilesReceived', message: 'file received' },
  filesQuarantined: { metricName: 'FilesQuarantined', message: 'file quarantined' },
  filesTranslated: { metricName: 'FilesTranslated', message: 'file translated' },
  transactionsAccepted: { metricName: 'TransactionsAccepted', message: 'file translated', valueField: 'accepted' },
  callbacksDelivered: { metricName: 'CallbacksDelivered', message: 'callback delivered' },
  callbackLatencyMs: { metricName: 'CallbackLatencyMs', message: 'callback delivered', valueField: 'ms' },
  callbackFailures: { metricName: 'CallbackFailures', message: 'callback failed; will retry' },
  callbacksDeadLettered: { metricName: 'CallbacksDeadLettered', message: 'callback dead-lettered' },
  circuitsOpened: { metricName: 'CircuitsOpened', message: 'circuit opened' },
  messagesDeadLettered: { metricName: 'MessagesDeadLettered', message: 'handler failed; message dead-lettered' },
  brokerConnectionLost: { metricName: 'BrokerConnectionLost', message: 'broker connection lost' },
  trackingMaintenanceFailed: { metricName: 'TrackingMaintenanceFailures', message: 'tracking maintenance failed; next run on schedule' },
} as const satisfies Record<string, LogFigure>;

export interface MonitoredService {
  /** ECS service name. */
  serviceName: string;
  logGroup: logs.ILogGroup;
  /** Which log figures this service's lines give. */
  figures: readonly LogFigure[];
}

export interface MonitoringProps {
  topic: sns.ITopic;
  clusterName: string;
  brokerName: string;
  services: readonly MonitoredService[];
  /** Input queues whose oldest message is watched. */
  inputQueues: readonly string[];
  /** Dead-letter queues on the broker. */
  deadLetterQueues: readonly string[];
  /** Minutes a message may wait before the oldest-message alarm fires. */
  oldestMessageMinutes?: number;
  /** Queues to graph, with the services' scaling backlog expressions. */
  backlogs?: readonly { serviceName: string; backlog: cloudwatch.IMetric }[];
  /** The tracking database (an RDS instance identifier): storage and CPU alarms, a graph. */
  trackingDatabase?: { instanceIdentifier: string };
}

/** Free storage below which the tracking database alarms (it grows by itself up to its maximum, then stops). */
const DATABASE_MIN_FREE_BYTES = 5 * 1024 ** 3;

const PERIOD = Duration.seconds(METRIC_PERIOD_SECONDS);

/** Alarms to the alert topic and the one CloudWatch dashboard. */
export class Monitoring extends Construct {
  readonly alarms: cloudwatch.Alarm[] = [];
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const notify = new actions.SnsAction(props.topic);
    const alarm = (name: string, description: string, p: Omit<cloudwatch.AlarmProps, 'alarmDescription' | 'alarmName'>): cloudwatch.Alarm => {
      const a = new cloudwatch.Alarm(this, name, { alarmName: `ediflow-${props.clusterName}-${name}`, alarmDescription: description, ...p });
      a.addAlarmAction(notify);
      a.addOkAction(notify);
      this.alarms.push(a);
      return a;
    };

    for (const s of props.services) {
      for (const f of s.figures) {
        new logs.MetricFilter(this, `${s.serviceName}-${f.metricName}`, {
          logGroup: s.logGroup,
          metricNamespace: LOG_METRICS_NAMESPACE,
          metricName: f.metricName,
          filterPattern: logs.FilterPattern.stringValue('$.msg', '=', f.message),
          metricValue: 'valueField' in f && f.valueField ? `$.${f.valueField}` : '1',
          defaultValue: 'valueField' in f && f.valueField ? undefined : 0,
        });
      }
    }

    const gte1 = { threshold: 1, comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD, treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING };
    props.deadLetterQueues.forEach((q, i) =>
      alarm(`DeadLetters${i}`, `Messages in the dead-letter queue ${q} (either broker node). Runbook: "Dead letters".`, {
        metric: bothNodes(props.brokerName, q, 'QueueSize', q),
        evaluationPeriods: 1,
        ...gte1,
      }),
    );
    alarm('CallbackDeadLetters', 'Callbacks dead-lettered by the notifier (kept in the object store). Runbook: "Dead letters".', {
      metric: logMetric(LOG_FIGURES.callbacksDeadLettered.metricName).with({ period: Duration.minutes(5) }),
      evaluationPeriods: 1,
      ...gte1,
    });
    alarm('Quarantine', 'Inbound files quarantined (not PGP, wrong key, bad signature, unknown partner, sender mismatch ...). Runbook: "Quarantined files".', {
      metric: logMetric(LOG_FIGURES.filesQuarantined.metricName).with({ period: Duration.minutes(5) }),
      evaluationPeriods: 1,
      ...gte1,
    });
    alarm('OpenCircuits', 'A callback endpoint\'s circuit opened (consecutive failures). Runbook: "Open circuits".', {
      metric: logMetric(LOG_FIGURES.circuitsOpened.metricName).with({ period: Duration.minutes(5) }),
      evaluationPeriods: 1,
      ...gte1,
    });
    alarm('TrackingMaintenance', 'The tracking service\'s scheduled purge and late-status matching failed (database unreachable or refusing). Runbook: "Tracking".', {
      metric: logMetric(LOG_FIGURES.trackingMaintenanceFailed.metricName).with({ period: Duration.hours(1) }),
      evaluationPeriods: 1,
      ...gte1,
    });
    alarm('BrokerFailover', 'Services lost their broker connection (a failover to the standby node, or the broker is down). Runbook: "Broker failover".', {
      metric: logMetric(LOG_FIGURES.brokerConnectionLost.metricName),
      evaluationPeriods: 1,
      ...gte1,
    });
    for (const s of props.services) {
      alarm(`Unhealthy-${s.serviceName}`, `${s.serviceName}: fewer tasks running than desired for 10 minutes (failing health checks, crash loop, no capacity). Runbook: "Unhealthy tasks".`, {
        metric: new cloudwatch.MathExpression({
          expression: 'desired - running',
          usingMetrics: { desired: taskCount(props.clusterName, s.serviceName, 'DesiredTaskCount'), running: taskCount(props.clusterName, s.serviceName, 'RunningTaskCount') },
          label: 'tasks missing',
          period: PERIOD,
        }),
        evaluationPeriods: 10,
        datapointsToAlarm: 10,
        ...gte1,
      });
    }
    const db = props.trackingDatabase;
    const dbMetric = (metricName: string, statistic: string): cloudwatch.Metric =>
      new cloudwatch.Metric({ namespace: 'AWS/RDS', metricName, dimensionsMap: { DBInstanceIdentifier: db!.instanceIdentifier }, statistic, period: Duration.minutes(5) });
    if (db) {
      alarm('TrackingDatabaseStorage', 'The tracking database has less than 5 GiB of free storage (it grows by itself up to its maximum). Runbook: "Tracking".', {
        metric: dbMetric('FreeStorageSpace', 'Minimum'),
        threshold: DATABASE_MIN_FREE_BYTES,
        comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      alarm('TrackingDatabaseCpu', 'The tracking database\'s CPU stayed above 80 % for 15 minutes. Runbook: "Tracking".', {
        metric: dbMetric('CPUUtilization', 'Average'),
        threshold: 80,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 3,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
    }
    const oldest = props.oldestMessageMinutes ?? 15;
    props.inputQueues.forEach((q, i) => {
      alarm(`OldestMessage${i}`, `A message waited more than ${oldest} minutes in ${q} before delivery. Runbook: "Oldest message".`, {
        metric: bothNodes(props.brokerName, q, 'EnqueueTime', `${q} longest wait (ms)`),
        evaluationPeriods: 1,
        threshold: oldest * 60_000,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      alarm(`Stalled${i}`, `${q} held messages and delivered none for ${oldest} minutes: its oldest message is older than that. Runbook: "Oldest message".`, {
        metric: new cloudwatch.MathExpression({
          expression: 'IF(depth > 0 AND dequeued == 0, 1, 0)',
          usingMetrics: { depth: bothNodes(props.brokerName, q, 'QueueSize', 'depth'), dequeued: bothNodes(props.brokerName, q, 'DequeueCount', 'dequeued', 'Sum') },
          label: `${q} stalled`,
          period: PERIOD,
        }),
        evaluationPeriods: oldest,
        datapointsToAlarm: oldest,
        ...gte1,
      });
    });

    const [n1, n2] = brokerNodes(props.brokerName);
    const queues = [...props.inputQueues, ...props.deadLetterQueues];
    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', { dashboardName: `ediflow-${props.clusterName}` });
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Queue depth per queue, both broker nodes',
        width: 12,
        left: queues.flatMap((q) => [queueMetric(n1, q, 'QueueSize').with({ label: `${q} (${n1})` }), queueMetric(n2, q, 'QueueSize').with({ label: `${q} (${n2})` })]),
      }),
      new cloudwatch.GraphWidget({
        title: 'Tasks per service (running, desired)',
        width: 12,
        left: props.services.flatMap((s) => [
          taskCount(props.clusterName, s.serviceName, 'RunningTaskCount').with({ label: `${s.serviceName} running` }),
          taskCount(props.clusterName, s.serviceName, 'DesiredTaskCount').with({ label: `${s.serviceName} desired` }),
        ]),
      }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Files and transactions per minute',
        width: 12,
        left: [
          logMetric(LOG_FIGURES.filesReceived.metricName).with({ label: 'files received' }),
          logMetric(LOG_FIGURES.filesTranslated.metricName).with({ label: 'files translated' }),
          logMetric(LOG_FIGURES.filesQuarantined.metricName).with({ label: 'files quarantined' }),
        ],
        right: [logMetric(LOG_FIGURES.transactionsAccepted.metricName).with({ label: 'transactions accepted' })],
      }),
      new cloudwatch.GraphWidget({
        title: 'Callbacks: latency and failures',
        width: 12,
        left: [
          logMetric(LOG_FIGURES.callbackLatencyMs.metricName, 'p50').with({ label: 'latency p50 (ms)' }),
          logMetric(LOG_FIGURES.callbackLatencyMs.metricName, 'p99').with({ label: 'latency p99 (ms)' }),
        ],
        right: [
          logMetric(LOG_FIGURES.callbacksDelivered.metricName).with({ label: 'delivered' }),
          logMetric(LOG_FIGURES.callbackFailures.metricName).with({ label: 'failed attempts' }),
          logMetric(LOG_FIGURES.callbacksDeadLettered.metricName).with({ label: 'dead-lettered' }),
          logMetric(LOG_FIGURES.circuitsOpened.metricName).with({ label: 'circuits opened' }),
        ],
      }),
    );
    if (props.backlogs && props.backlogs.length > 0) {
      // One graph each: the expressions share their ids (depth, tasks), which one graph cannot hold twice.
      this.dashboard.addWidgets(
        ...props.backlogs.map(
          (b) => new cloudwatch.GraphWidget({ title: `${b.serviceName}: backlog per running task (what scaling reads)`, width: 24 / props.backlogs!.length, left: [b.backlog] }),
        ),
      );
    }
    if (db) {
      this.dashboard.addWidgets(
        new cloudwatch.GraphWidget({
          title: 'Tracking database: CPU, connections, free storage',
          width: 24,
          left: [dbMetric('CPUUtilization', 'Average').with({ label: 'CPU %' }), dbMetric('DatabaseConnections', 'Maximum').with({ label: 'connections' })],
          right: [dbMetric('FreeStorageSpace', 'Minimum').with({ label: 'free storage (bytes)' })],
        }),
      );
    }
    this.dashboard.addWidgets(new cloudwatch.AlarmStatusWidget({ title: 'Alarms', width: 24, alarms: this.alarms }));
  }
}
