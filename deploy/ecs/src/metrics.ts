import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { METRIC_PERIOD_SECONDS } from './scaling-policy';

const PERIOD = Duration.seconds(METRIC_PERIOD_SECONDS);

/** The two nodes of an active/standby broker, as CloudWatch names them. */
export const brokerNodes = (brokerName: string): [string, string] => [`${brokerName}-1`, `${brokerName}-2`];

/** One Amazon MQ destination metric of one node. */
export function queueMetric(node: string, queue: string, metricName: string, statistic = 'Maximum'): cloudwatch.Metric {
  return new cloudwatch.Metric({ namespace: 'AWS/AmazonMQ', metricName, dimensionsMap: { Broker: node, Queue: queue }, statistic, period: PERIOD });
}

/**
 * A queue metric over both broker nodes: the larger of the two, a missing datapoint counted as 0
 * (the standby node reports nothing, or 0, until a failover makes it the active one).
 */
export function bothNodes(brokerName: string, queue: string, metricName: string, label: string, statistic = 'Maximum'): cloudwatch.MathExpression {
  const [a, b] = brokerNodes(brokerName);
  // Metric ids are unique across a whole alarm or graph, nested expressions included.
  const id = `${metricName}_${queue}`.replace(/[^A-Za-z0-9]/g, '_').replace(/^./, (c) => c.toLowerCase());
  return new cloudwatch.MathExpression({
    expression: `MAX([FILL(${id}_1, 0), FILL(${id}_2, 0)])`,
    usingMetrics: { [`${id}_1`]: queueMetric(a, queue, metricName, statistic), [`${id}_2`]: queueMetric(b, queue, metricName, statistic) },
    label,
    period: PERIOD,
  });
}

/** The summed depth of several queues, each over both nodes. */
export function depthOf(brokerName: string, queues: readonly string[]): cloudwatch.MathExpression {
  const usingMetrics: Record<string, cloudwatch.IMetric> = {};
  queues.forEach((q, i) => {
    usingMetrics[`q${i}`] = bothNodes(brokerName, q, 'QueueSize', q);
  });
  return new cloudwatch.MathExpression({ expression: Object.keys(usingMetrics).join(' + '), usingMetrics, label: 'depth', period: PERIOD });
}

/** Container Insights task counts of one service (a missing datapoint is 0 tasks). */
export function taskCount(clusterName: string, serviceName: string, metricName: 'RunningTaskCount' | 'DesiredTaskCount'): cloudwatch.MathExpression {
  return new cloudwatch.MathExpression({
    expression: `FILL(${metricName === 'RunningTaskCount' ? 'running' : 'desired'}_${serviceName.replace(/[^A-Za-z0-9]/g, '_')}, 0)`,
    usingMetrics: {
      [`${metricName === 'RunningTaskCount' ? 'running' : 'desired'}_${serviceName.replace(/[^A-Za-z0-9]/g, '_')}`]: new cloudwatch.Metric({
        namespace: 'ECS/ContainerInsights',
        metricName,
        dimensionsMap: { ClusterName: clusterName, ServiceName: serviceName },
        statistic: 'Average',
        period: PERIOD,
      }),
    },
    label: metricName,
    period: PERIOD,
  });
}

/** A metric of the services' log-based figures (CloudWatch Logs metric filters, namespace ediflow). */
export const LOG_METRICS_NAMESPACE = 'ediflow';

export function logMetric(metricName: string, statistic = 'Sum'): cloudwatch.Metric {
  return new cloudwatch.Metric({ namespace: LOG_METRICS_NAMESPACE, metricName, statistic, period: PERIOD });
}
