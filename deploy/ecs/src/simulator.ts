/**
 * Replays an arrival curve against a queue-driven service's scaling policy (scaling-policy.ts),
 * minute by minute, the way CloudWatch alarms and Application Auto Scaling step scaling act:
 *
 * - each minute's datapoint (queue depth at its end, tasks running during it) is seen by the
 *   alarms `metricDelayMinutes` after the minute ends (Amazon MQ pushes its metrics once a minute);
 * - an alarm is in ALARM when `datapointsToAlarm` of its last `evaluationPeriods` datapoints
 *   breach, and invokes its policy every minute while it stays there;
 * - the step is chosen from the largest value of the evaluated datapoints;
 * - scale-out during its cooldown adds only what a larger step adds beyond the previous one;
 *   scale-in waits for its cooldown to end;
 * - a new task runs `taskStartMinutes` after the decision; a removed task stops at once.
 *
 * Pure: no I/O, no clock.
 */
import { backlogPerTask, inChange, outChange, scaleInThreshold, scaleOutThreshold, type QueueBacklogScaling } from './scaling-policy';

export interface SimulationModel {
  /** Minutes between the end of a metric period and the alarm seeing its datapoint. */
  metricDelayMinutes: number;
  /** Minutes from a scaling decision to the new task running (image pull, start, connect). */
  taskStartMinutes: number;
}

export const DEFAULT_MODEL: SimulationModel = { metricDelayMinutes: 1, taskStartMinutes: 1 };

export interface SimulationOptions {
  /** Minutes to simulate; default: the curve's length plus 60. */
  minutes?: number;
  /** Tasks running at minute 0; default the policy's minimum. */
  startTasks?: number;
  model?: SimulationModel;
}

export interface MinuteRow {
  minute: number;
  arrivals: number;
  /** Messages finished during the minute. */
  processed: number;
  /** Queue depth at the end of the minute. */
  depth: number;
  /** Desired count at the end of the minute (after that minute's scaling decisions). */
  desired: number;
  /** Tasks that worked during the minute. */
  running: number;
  /** Longest time, in minutes, from arrival to done among the messages finished this minute (0 when none). */
  maxLatency: number;
  /** Age in minutes of the oldest message still waiting at the end of the minute (0 when empty). */
  oldestAge: number;
  /** The scaling action taken at the end of the minute: +n, -n or empty. */
  action: string;
}

interface Batch {
  arrived: number;
  count: number;
}

interface Datapoint {
  depth: number;
  running: number;
}

export function simulate(p: QueueBacklogScaling, arrivals: readonly number[], options: SimulationOptions = {}): MinuteRow[] {
  const model = options.model ?? DEFAULT_MODEL;
  const minutes = options.minutes ?? arrivals.length + 60;
  const clamp = (n: number): number => Math.min(p.maxTasks, Math.max(p.minTasks, n));
  let desired = clamp(options.startTasks ?? p.minTasks);
  /** Minute at which each task (started or starting) runs. */
  let tasks: number[] = Array.from({ length: desired }, () => 0);
  const queue: Batch[] = [];
  const datapoints: Datapoint[] = [];
  let lastOut: { at: number; change: number } | undefined;
  let lastInAt: number | undefined;
  const rows: MinuteRow[] = [];

  for (let t = 0; t < minutes; t++) {
    const arrived = arrivals[t] ?? 0;
    if (arrived > 0) queue.push({ arrived: t, count: arrived });
    const running = tasks.filter((readyAt) => readyAt <= t).length;
    let capacity = running * p.messagesPerTaskMinute;
    let processed = 0;
    let maxLatency = 0;
    while (capacity > 0 && queue.length > 0) {
      const head = queue[0];
      const n = Math.min(head.count, capacity);
      head.count -= n;
      capacity -= n;
      processed += n;
      maxLatency = Math.max(maxLatency, t + 1 - head.arrived);
      if (head.count === 0) queue.shift();
    }
    const depth = queue.reduce((sum, b) => sum + b.count, 0);
    datapoints.push({ depth, running });

    // End of minute t (time t + 1): the alarms see datapoints up to t - metricDelayMinutes.
    const now = t + 1;
    const visible = datapoints.length - model.metricDelayMinutes;
    let action = '';
    const values = (periods: number): number[] =>
      datapoints.slice(Math.max(0, visible - periods), Math.max(0, visible)).map((d) => backlogPerTask(d.depth, d.running, p));
    const outValues = values(p.scaleOut.evaluationPeriods);
    const inValues = values(p.scaleIn.evaluationPeriods);
    const outAlarm = outValues.length >= p.scaleOut.evaluationPeriods && outValues.filter((v) => v >= scaleOutThreshold(p)).length >= p.scaleOut.datapointsToAlarm;
    const inAlarm = inValues.length >= p.scaleIn.evaluationPeriods && inValues.filter((v) => v < scaleInThreshold(p)).length >= p.scaleIn.datapointsToAlarm;
    if (outAlarm) {
      const change = outChange(p, Math.max(...outValues));
      const inCooldown = lastOut !== undefined && now < lastOut.at + p.scaleOut.cooldownSeconds / 60;
      const add = inCooldown && lastOut ? Math.max(0, change - lastOut.change) : change;
      if (!inCooldown || add > 0) {
        const next = clamp(desired + add);
        if (next !== desired) action = `+${next - desired}`;
        for (let i = desired; i < next; i++) tasks.push(now + model.taskStartMinutes);
        desired = next;
        lastOut = inCooldown && lastOut ? { at: lastOut.at, change } : { at: now, change };
      }
    } else if (inAlarm && (lastInAt === undefined || now >= lastInAt + p.scaleIn.cooldownSeconds / 60)) {
      const change = inChange(p, Math.max(...inValues));
      const next = clamp(desired + change);
      if (next !== desired) {
        action = `${next - desired}`;
        // Tasks still starting go first, then the ones running.
        tasks = [...tasks].sort((a, b) => b - a).slice(desired - next);
        desired = next;
      }
      lastInAt = now;
    }
    const oldestAge = queue.length > 0 ? t + 1 - queue[0].arrived : 0;
    rows.push({ minute: t, arrivals: arrived, processed, depth, desired, running, maxLatency, oldestAge, action });
  }
  return rows;
}

export interface SimulationSummary {
  arrived: number;
  processed: number;
  /** Highest desired count over the run. */
  peakTasks: number;
  /** First minute, after the last arrival, that ends with an empty queue (undefined: never). */
  drainedAt: number | undefined;
  /** Longest arrival-to-done time of any message, in minutes. */
  maxLatency: number;
  /** Sum of running tasks over the minutes (the cost). */
  taskMinutes: number;
  /** Desired count at the end. */
  finalTasks: number;
}

export function summarize(rows: readonly MinuteRow[]): SimulationSummary {
  const lastArrival = rows.reduce((last, r) => (r.arrivals > 0 ? r.minute : last), -1);
  return {
    arrived: rows.reduce((s, r) => s + r.arrivals, 0),
    processed: rows.reduce((s, r) => s + r.processed, 0),
    peakTasks: rows.reduce((m, r) => Math.max(m, r.desired), 0),
    drainedAt: rows.find((r) => r.minute >= lastArrival && r.depth === 0)?.minute,
    maxLatency: rows.reduce((m, r) => Math.max(m, r.maxLatency), 0),
    taskMinutes: rows.reduce((s, r) => s + r.running, 0),
    finalTasks: rows.length > 0 ? rows[rows.length - 1].desired : 0,
  };
}

/**
 * Parses an arrival curve: CSV lines `minute,arrivals` (messages added to the input queue in that
 * minute), an optional header, `#` comments; minutes not listed have no arrivals.
 */
export function parseCurve(text: string, source = 'curve'): number[] {
  const arrivals: number[] = [];
  let last = -1;
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === '' || line.startsWith('#')) continue;
    const cells = line.split(',').map((c) => c.trim());
    if (i === lines.findIndex((l) => l.trim() !== '' && !l.trim().startsWith('#')) && /^minute$/i.test(cells[0])) continue;
    const where = `${source} line ${i + 1}`;
    if (cells.length !== 2 || !/^\d+$/.test(cells[0]) || !/^\d+$/.test(cells[1])) {
      throw new Error(`${where}: expected "minute,arrivals" with two whole numbers`);
    }
    const minute = Number(cells[0]);
    if (minute <= last) throw new Error(`${where}: minute ${minute} is not after minute ${last}`);
    if (minute > 100_000) throw new Error(`${where}: minute ${minute} is beyond the simulator's 100000 minutes`);
    for (let m = last + 1; m < minute; m++) arrivals.push(0);
    arrivals.push(Number(cells[1]));
    last = minute;
  }
  if (arrivals.length === 0) throw new Error(`${source}: no minutes`);
  return arrivals;
}
