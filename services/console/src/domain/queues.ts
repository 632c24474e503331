/**
 * Queue figures over time: what each broker reported at each sample, kept for an hour, turned
 * into the rows of the Queues page (depth, consumers, in/out per minute from the enqueue and
 * dequeue counters, the oldest message's age, a sparkline of the depth, the dead-letter queue).
 */

import type { DestinationStats } from '@ediflow/bus';

/** One destination as a broker reports it (ActiveMQ's statistics plugin, or the embedded bus). */
export type QueueFigures = DestinationStats;

export interface BrokerReading {
  broker: string;
  /** ms since the epoch. */
  at: number;
  /** Why the broker could not be read; its queues are then empty. */
  error?: string;
  queues: QueueFigures[];
}

export interface QueueRow {
  broker: string;
  queue: string;
  /** The broker knows the destination (ActiveMQ creates one on first use). */
  present: boolean;
  size: number;
  consumers: number;
  inPerMinute: number | null;
  outPerMinute: number | null;
  oldestAgeMs: number | null;
  /** Messages in its dead-letter queue (DLQ.<queue>): the failed-count badge. */
  failed: number;
  /** Depth over the last hour, oldest first (at most SPARK_POINTS values). */
  depthHistory: number[];
}

export interface BrokerView {
  broker: string;
  at: number | null;
  error?: string;
  rows: QueueRow[];
}

interface Point {
  at: number;
  size: number;
  enqueued: number;
  dequeued: number;
}

const DLQ_PREFIX = 'DLQ.';
export const SPARK_POINTS = 60;

/** "edi.file.received" from "queue://edi.file.received", "/queue/edi.file.received"; "DLQ.edi.x" from "DLQ./queue/edi.x". */
export function queueName(destination: string): string {
  const plain = (d: string) => d.replace(/^queue:\/\//, '').replace(/^\/queue\//, '');
  const name = plain(destination);
  return name.startsWith(DLQ_PREFIX) ? DLQ_PREFIX + plain(name.slice(DLQ_PREFIX.length)) : name;
}

/** The platform's own queues, edi.*, and their dead-letter queues DLQ.edi.* (names as queueName gives them). */
export function isPlatformQueue(name: string): boolean {
  return name.startsWith('edi.') || name.startsWith(`${DLQ_PREFIX}edi.`);
}

/**
 * Messages per minute from a counter over the last minute (or over what history there is, from
 * one second on); null without enough history or when the counter went down (a broker restart).
 */
export function ratePerMinute(points: readonly Point[], field: 'enqueued' | 'dequeued'): number | null {
  const last = points.at(-1);
  if (!last) return null;
  let first = points[0];
  for (const p of points) {
    if (p.at <= last.at - 60_000) first = p;
    else break;
  }
  const elapsed = last.at - first.at;
  const delta = last[field] - first[field];
  if (elapsed < 1000 || delta < 0) return null;
  return (delta * 60_000) / elapsed;
}

/** The depth history squeezed to at most `points` values (the largest of each bucket, so no spike is lost). */
export function downsample(values: readonly number[], points = SPARK_POINTS): number[] {
  if (values.length <= points) return [...values];
  const out: number[] = [];
  for (let i = 0; i < points; i += 1) {
    const from = Math.floor((i * values.length) / points);
    const to = Math.floor(((i + 1) * values.length) / points);
    out.push(Math.max(...values.slice(from, to)));
  }
  return out;
}

/** Samples per broker and queue for the last `windowMs` (an hour by default); one per console process. */
export class QueueHistory {
  private readonly series = new Map<string, Map<string, Point[]>>();
  private readonly latest = new Map<string, BrokerReading>();

  constructor(
    /** Queues to show even before a broker has created them (the message catalogue's). */
    private readonly catalogue: readonly string[],
    private readonly windowMs = 3_600_000,
  ) {}

  record(reading: BrokerReading): void {
    this.latest.set(reading.broker, reading);
    if (reading.error !== undefined) return;
    let byQueue = this.series.get(reading.broker);
    if (!byQueue) {
      byQueue = new Map();
      this.series.set(reading.broker, byQueue);
    }
    for (const q of reading.queues) {
      const name = queueName(q.destination);
      const points = byQueue.get(name) ?? [];
      points.push({ at: reading.at, size: q.size, enqueued: q.enqueued, dequeued: q.dequeued });
      while (points.length > 0 && points[0].at < reading.at - this.windowMs) points.shift();
      byQueue.set(name, points);
    }
  }

  /** Brokers in the order given, each with one row per platform queue (catalogue first, then by name). */
  view(brokers: readonly string[]): BrokerView[] {
    return brokers.map((broker) => {
      const reading = this.latest.get(broker);
      if (!reading) return { broker, at: null, rows: [] };
      if (reading.error !== undefined) return { broker, at: reading.at, error: reading.error, rows: [] };
      const figures = new Map(reading.queues.map((q) => [queueName(q.destination), q]));
      const names = new Set(this.catalogue);
      for (const name of figures.keys()) {
        const base = name.startsWith(DLQ_PREFIX) ? name.slice(DLQ_PREFIX.length) : name;
        if (base.startsWith('edi.')) names.add(base);
      }
      const history = this.series.get(broker);
      const rows = [...names].map((queue): QueueRow => {
        const f = figures.get(queue);
        const points = history?.get(queue) ?? [];
        return {
          broker,
          queue,
          present: f !== undefined,
          size: f?.size ?? 0,
          consumers: f?.consumers ?? 0,
          inPerMinute: f ? ratePerMinute(points, 'enqueued') : null,
          outPerMinute: f ? ratePerMinute(points, 'dequeued') : null,
          oldestAgeMs: f?.oldestAgeMs ?? null,
          failed: figures.get(DLQ_PREFIX + queue)?.size ?? 0,
          depthHistory: downsample(points.map((p) => p.size)),
        };
      });
      const catalogued = (q: string) => (this.catalogue.includes(q) ? this.catalogue.indexOf(q) : this.catalogue.length);
      rows.sort((a, b) => catalogued(a.queue) - catalogued(b.queue) || a.queue.localeCompare(b.queue));
      return { broker, at: reading.at, rows };
    });
  }
}
