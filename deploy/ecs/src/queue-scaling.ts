import { Duration } from 'aws-cdk-lib';
import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as ecs from 'aws-cdk-lib/aws-ecs';
import { Construct } from 'constructs';
import { depthOf, taskCount } from './metrics';
import { METRIC_PERIOD_SECONDS, backlogExpression, scaleInThreshold, scaleOutThreshold, type CpuScaling, type QueueBacklogScaling } from './scaling-policy';

/** CloudWatch allows at most 10 metrics in one metric-math alarm. */
const MAX_ALARM_METRICS = 10;

export interface QueueBacklogScalingProps {
  service: ecs.FargateService;
  /** The service's name as set on it (a plain string keeps metric ids and dimensions readable). */
  serviceName: string;
  clusterName: string;
  brokerName: string;
  policy: QueueBacklogScaling;
  /** Queues added to the policy's input queues (e.g. the notifier's per-endpoint delivery queues). */
  extraQueues?: readonly string[];
}

/**
 * Step scaling of one service on backlog per running task (scaling-policy.ts): one alarm and
 * policy to scale out fast, another, slower, to scale in; both read the queues on both broker nodes.
 */
export class QueueBacklogScalingConstruct extends Construct {
  readonly target: appscaling.ScalableTarget;
  readonly backlog: cloudwatch.MathExpression;
  readonly scaleOutAlarm: cloudwatch.Alarm;
  readonly scaleInAlarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: QueueBacklogScalingProps) {
    super(scope, id);
    const { policy } = props;
    const queues = [...policy.inputQueues, ...(props.extraQueues ?? [])];
    if (queues.length * 2 + 1 > MAX_ALARM_METRICS) {
      throw new Error(`${id}: ${queues.length} queues on two broker nodes plus the task count exceed CloudWatch's ${MAX_ALARM_METRICS} metrics per alarm`);
    }
    this.target = new appscaling.ScalableTarget(this, 'Target', {
      serviceNamespace: appscaling.ServiceNamespace.ECS,
      resourceId: `service/${props.clusterName}/${props.serviceName}`,
      scalableDimension: 'ecs:service:DesiredCount',
      minCapacity: policy.minTasks,
      maxCapacity: policy.maxTasks,
    });
    this.target.node.addDependency(props.service);
    this.backlog = new cloudwatch.MathExpression({
      expression: backlogExpression(policy),
      usingMetrics: { depth: depthOf(props.brokerName, queues), tasks: taskCount(props.clusterName, props.serviceName, 'RunningTaskCount') },
      label: 'backlog per running task',
      period: Duration.seconds(METRIC_PERIOD_SECONDS),
    });

    const out = new appscaling.StepScalingAction(this, 'ScaleOut', {
      scalingTarget: this.target,
      adjustmentType: appscaling.AdjustmentType.CHANGE_IN_CAPACITY,
      cooldown: Duration.seconds(policy.scaleOut.cooldownSeconds),
      metricAggregationType: appscaling.MetricAggregationType.MAXIMUM,
    });
    const outThreshold = scaleOutThreshold(policy);
    const outSteps = [...policy.scaleOut.steps].sort((a, b) => a.atLeast - b.atLeast);
    outSteps.forEach((s, i) => {
      const next = outSteps[i + 1];
      out.addAdjustment({ lowerBound: s.atLeast - outThreshold, upperBound: next ? next.atLeast - outThreshold : undefined, adjustment: s.change });
    });
    this.scaleOutAlarm = new cloudwatch.Alarm(this, 'ScaleOutAlarm', {
      alarmDescription: `Backlog per running task at or above ${outThreshold}: scale out (scaling-policy.ts)`,
      metric: this.backlog,
      threshold: outThreshold,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: policy.scaleOut.evaluationPeriods,
      datapointsToAlarm: policy.scaleOut.datapointsToAlarm,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.scaleOutAlarm.addAlarmAction(new actions.ApplicationScalingAction(out));

    const scaleIn = new appscaling.StepScalingAction(this, 'ScaleIn', {
      scalingTarget: this.target,
      adjustmentType: appscaling.AdjustmentType.CHANGE_IN_CAPACITY,
      cooldown: Duration.seconds(policy.scaleIn.cooldownSeconds),
      metricAggregationType: appscaling.MetricAggregationType.MAXIMUM,
    });
    const inThreshold = scaleInThreshold(policy);
    const inSteps = [...policy.scaleIn.steps].sort((a, b) => b.below - a.below);
    inSteps.forEach((s, i) => {
      const next = inSteps[i + 1];
      scaleIn.addAdjustment({ upperBound: s.below - inThreshold, lowerBound: next ? next.below - inThreshold : undefined, adjustment: s.change });
    });
    this.scaleInAlarm = new cloudwatch.Alarm(this, 'ScaleInAlarm', {
      alarmDescription: `Backlog per running task below ${inThreshold}: scale in (scaling-policy.ts)`,
      metric: this.backlog,
      threshold: inThreshold,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: policy.scaleIn.evaluationPeriods,
      datapointsToAlarm: policy.scaleIn.datapointsToAlarm,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.scaleInAlarm.addAlarmAction(new actions.ApplicationScalingAction(scaleIn));
  }
}

/** Target tracking on CPU for ingest (it reads no queue). */
export function scaleOnCpu(service: ecs.FargateService, policy: CpuScaling): void {
  const count = service.autoScaleTaskCount({ minCapacity: policy.minTasks, maxCapacity: policy.maxTasks });
  count.scaleOnCpuUtilization('Cpu', {
    targetUtilizationPercent: policy.targetCpuPercent,
    scaleOutCooldown: Duration.seconds(policy.scaleOutCooldownSeconds),
    scaleInCooldown: Duration.seconds(policy.scaleInCooldownSeconds),
  });
}
