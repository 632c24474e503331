/**
 * How each service scales, as plain data. The CDK construct (services-stack) turns it into
 * Application Auto Scaling policies and CloudWatch alarms; the replay simulator
 * (`npm run simulate -w deploy/ecs -- <curve.csv>`) replays a depth curve against the very
 * same numbers, so a change here shows its effect before it ships.
 *
 * Queue-driven services scale on backlog per running task: the depth of their input queues
 * (the larger of the two broker nodes, per queue) divided by the service's running tasks.
 * Scaling on raw depth would let a trickle that never quite empties the queue drive a
 * service to its maximum; per task, one task keeping up with the trickle stays one task.
 */
import { DESTINATIONS } from '@ediflow/messages';

export type ServiceName = 'ingest' | 'translator' | 'notifier' | 'bridge' | 'tracking';

export const SERVICE_NAMES: readonly ServiceName[] = ['ingest', 'translator', 'notifier', 'bridge', 'tracking'];

/** Scale-out step: when backlog per task is at least `atLeast`, change the desired count by `change`. */
export interface OutStep {
  atLeast: number;
  change: number;
}

/** Scale-in step: when backlog per task is below `below`, change the desired count by `change` (negative). */
export interface InStep {
  below: number;
  change: number;
}

export interface AlarmShape {
  /** Consecutive one-minute periods looked at. */
  evaluationPeriods: number;
  /** How many of them must breach. */
  datapointsToAlarm: number;
  /** Application Auto Scaling cooldown of the policy the alarm drives. */
  cooldownSeconds: number;
}

export interface QueueBacklogScaling {
  kind: 'queue-backlog';
  minTasks: number;
  maxTasks: number;
  /** Broker queue names (as Amazon MQ's `Queue` dimension has them) whose depth is this service's backlog. */
  inputQueues: readonly string[];
  scaleOut: AlarmShape & { steps: readonly OutStep[] };
  scaleIn: AlarmShape & { steps: readonly InStep[] };
  /**
   * Messages one task finishes per minute, the figure the steps were sized from (the scale-out
   * threshold is about 20 seconds of one task's work). The simulator drains the queue at this rate.
   */
  messagesPerTaskMinute: number;
}

export interface CpuScaling {
  kind: 'cpu';
  minTasks: number;
  maxTasks: number;
  targetCpuPercent: number;
  scaleOutCooldownSeconds: number;
  scaleInCooldownSeconds: number;
}

export interface FixedScaling {
  kind: 'fixed';
  tasks: number;
}

export type ServiceScaling = QueueBacklogScaling | CpuScaling | FixedScaling;

/** Broker queue name of a STOMP destination (`/queue/x` -> `x`). */
export const brokerQueueName = (destination: string): string => destination.replace(/^\/queue\//, '');

/** The metric period of every scaling alarm (Amazon MQ and Container Insights publish once a minute). */
export const METRIC_PERIOD_SECONDS = 60;

export interface ScalingPolicies {
  ingest: CpuScaling;
  translator: QueueBacklogScaling;
  notifier: QueueBacklogScaling;
  bridge: FixedScaling;
  tracking: QueueBacklogScaling;
}

/** Scale out on one breaching minute; the cooldown covers a task's start plus the metrics' delay, so tasks still starting are not asked for twice. */
const SCALE_OUT_FAST: AlarmShape = { evaluationPeriods: 1, datapointsToAlarm: 1, cooldownSeconds: 180 };

/** Scale in only after five quiet minutes. */
const SCALE_IN_SLOW: AlarmShape = { evaluationPeriods: 5, datapointsToAlarm: 5, cooldownSeconds: 120 };

export const SCALING: ScalingPolicies = {
  /** Ingest is CPU-bound (PGP decrypt) and polls the object store, so it has no queue to read. */
  ingest: { kind: 'cpu', minTasks: 1, maxTasks: 4, targetCpuPercent: 60, scaleOutCooldownSeconds: 60, scaleInCooldownSeconds: 300 },
  translator: {
    kind: 'queue-backlog',
    // Scales from zero: FileReceived waits durably on the broker, and a message at zero tasks wakes one.
    minTasks: 0,
    maxTasks: 8,
    inputQueues: [brokerQueueName(DESTINATIONS.fileReceived)],
    messagesPerTaskMinute: 30,
    scaleOut: {
      steps: [
        { atLeast: 10, change: 1 },
        { atLeast: 60, change: 2 },
        { atLeast: 150, change: 4 },
      ],
      ...SCALE_OUT_FAST,
    },
    scaleIn: {
      steps: [
        { below: 2, change: -1 },
        { below: 0.5, change: -2 },
      ],
      ...SCALE_IN_SLOW,
    },
  },
  notifier: {
    kind: 'queue-backlog',
    // Keeps one task: retries wait on the broker's scheduler (AMQ_SCHEDULED_DELAY), which QueueSize does not count.
    minTasks: 1,
    maxTasks: 6,
    inputQueues: [brokerQueueName(DESTINATIONS.transactionTranslated)],
    messagesPerTaskMinute: 300,
    scaleOut: {
      steps: [
        { atLeast: 100, change: 1 },
        { atLeast: 600, change: 2 },
        { atLeast: 1500, change: 4 },
      ],
      ...SCALE_OUT_FAST,
    },
    scaleIn: {
      steps: [
        { below: 20, change: -1 },
        { below: 5, change: -2 },
      ],
      ...SCALE_IN_SLOW,
    },
  },
  /** One consumer per route set keeps each route's order (`order: "all"`); a second task would split it. */
  bridge: { kind: 'fixed', tasks: 1 },
  tracking: {
    kind: 'queue-backlog',
    // Keeps one task: it serves the tracking API and runs the scheduled purge. Events tolerate any
    // order, so more tasks may share the queue; the maximum bounds the database's connections.
    minTasks: 1,
    maxTasks: 4,
    inputQueues: [brokerQueueName(DESTINATIONS.tracking)],
    // One event at a time per task, each one database transaction plus, for large bodies, an S3 read.
    messagesPerTaskMinute: 300,
    scaleOut: {
      steps: [
        { atLeast: 100, change: 1 },
        { atLeast: 600, change: 2 },
        { atLeast: 1500, change: 3 },
      ],
      ...SCALE_OUT_FAST,
    },
    scaleIn: {
      steps: [
        { below: 20, change: -1 },
        { below: 5, change: -2 },
      ],
      ...SCALE_IN_SLOW,
    },
  },
};

/** The services that scale on their input queues, with their policies. */
export const queueDrivenServices = (policies: ScalingPolicies = SCALING): [ServiceName, QueueBacklogScaling][] => [
  ['translator', policies.translator],
  ['notifier', policies.notifier],
  ['tracking', policies.tracking],
];

/** The scale-out alarm's threshold: its lowest step. */
export const scaleOutThreshold = (p: QueueBacklogScaling): number => Math.min(...p.scaleOut.steps.map((s) => s.atLeast));

/** The scale-in alarm's threshold: its highest step. */
export const scaleInThreshold = (p: QueueBacklogScaling): number => Math.max(...p.scaleIn.steps.map((s) => s.below));

/**
 * Backlog per running task. With no task running, any waiting message counts as at least the
 * scale-out threshold, so one message at zero tasks wakes one (depth / 0 has no value).
 */
export function backlogPerTask(depth: number, runningTasks: number, p: QueueBacklogScaling): number {
  if (runningTasks > 0) return depth / runningTasks;
  if (depth <= 0) return 0;
  return Math.max(depth, scaleOutThreshold(p));
}

/**
 * The same rule as CloudWatch metric math, over the ids `depth` and `tasks` (both filled with 0
 * where a period has no datapoint).
 */
export function backlogExpression(p: QueueBacklogScaling): string {
  const t = scaleOutThreshold(p);
  return `IF(tasks > 0, depth / tasks, IF(depth >= ${t}, depth, IF(depth > 0, ${t}, 0)))`;
}

/** The step the policy takes for a breaching value, as Application Auto Scaling picks it (0 when none applies). */
export function outChange(p: QueueBacklogScaling, value: number): number {
  let change = 0;
  for (const s of [...p.scaleOut.steps].sort((a, b) => a.atLeast - b.atLeast)) if (value >= s.atLeast) change = s.change;
  return change;
}

export function inChange(p: QueueBacklogScaling, value: number): number {
  let change = 0;
  for (const s of [...p.scaleIn.steps].sort((a, b) => b.below - a.below)) if (value < s.below) change = s.change;
  return change;
}

/** Checks the data's own consistency (the CDK app and the simulator both call it). */
export function checkScaling(name: string, p: ServiceScaling): void {
  const fail = (what: string): never => {
    throw new RangeError(`scaling policy of ${name}: ${what}`);
  };
  if (p.kind === 'fixed') {
    if (!Number.isInteger(p.tasks) || p.tasks < 1) fail('tasks must be an integer >= 1');
    return;
  }
  if (!Number.isInteger(p.minTasks) || p.minTasks < 0) fail('minTasks must be an integer >= 0');
  if (!Number.isInteger(p.maxTasks) || p.maxTasks < Math.max(1, p.minTasks)) fail('maxTasks must be an integer >= max(1, minTasks)');
  if (p.kind === 'cpu') {
    if (!(p.targetCpuPercent > 0 && p.targetCpuPercent < 100)) fail('targetCpuPercent must be between 0 and 100');
    return;
  }
  if (p.inputQueues.length === 0) fail('inputQueues must name at least one queue');
  if (p.scaleOut.steps.length === 0 || p.scaleIn.steps.length === 0) fail('scaleOut and scaleIn need at least one step each');
  if (p.scaleOut.steps.some((s) => !Number.isInteger(s.change) || s.change <= 0)) fail('scale-out changes must be positive integers');
  if (p.scaleIn.steps.some((s) => !Number.isInteger(s.change) || s.change >= 0)) fail('scale-in changes must be negative integers');
  if (scaleInThreshold(p) >= scaleOutThreshold(p)) fail('the scale-in threshold must be below the scale-out threshold');
  for (const a of [p.scaleOut, p.scaleIn]) {
    if (a.datapointsToAlarm < 1 || a.datapointsToAlarm > a.evaluationPeriods) fail('datapointsToAlarm must be between 1 and evaluationPeriods');
    if (a.cooldownSeconds < 0) fail('cooldowns must be >= 0');
  }
  if (!(p.messagesPerTaskMinute > 0)) fail('messagesPerTaskMinute must be positive');
}
