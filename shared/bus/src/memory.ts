/**
 * In-process Bus for the single-process `npm start` and unit tests. Queue semantics:
 * each message goes to one consumer; at most `prefetch` messages per subscription are
 * in its handler at once; the retry/dead-letter path is the one StompBus uses.
 * With a journal directory (`BROKER_URL=embedded`) it is durable: publish() resolves once the
 * message is synced to the journal, a handled message is acknowledged there, and after a
 * crash or a stop the messages never acknowledged (delayed retries included) are delivered
 * again, marked redelivered. Without one (`memory`, for tests) nothing survives the process.
 */
import { InvalidInputError, UnavailableError } from '@ediflow/errors';
import { silentLogger, type Logger } from '@ediflow/logger';
import { bodyBuffer } from './body';
import { HEADER, type Bus, type Headers, type MessageHandler, type PublishOptions, type SubscribeOptions, type Subscription } from './port';
import { attemptOf, deliver, resolvePolicy, type RetryPolicy } from './retry';
import { settleWithin } from './settle';
import { BusJournal } from './journal';

export interface MemoryBusOptions {
  logger?: Logger;
  /** Random source in [0, 1) for retry jitter; Math.random by default. */
  random?: () => number;
  /** How long close() waits for in-flight handlers; default 20 s. */
  closeTimeoutMs?: number;
  /** Directory of the journal that makes the bus durable (see journal.ts); none: in memory only. */
  journalDir?: string;
  /** Segment size of the journal; default 64 MiB. */
  journalSegmentBytes?: number;
}

interface StoredMessage {
  /** Journal id (durable bus only). */
  id?: number;
  body: Buffer;
  headers: Headers;
  binary: boolean;
  redelivered: boolean;
  /** When it was queued (Date.now()), for the oldest message's age. */
  queuedAt?: number;
}

interface Consumer {
  destination: string;
  handler: MessageHandler;
  policy: RetryPolicy;
  inFlight: Set<Promise<void>>;
  open: boolean;
}

interface Queue {
  messages: StoredMessage[];
  consumers: Consumer[];
  next: number;
  /** Messages queued and acknowledged since the process started, as a broker's enqueue and dequeue counts. */
  enqueued: number;
  dequeued: number;
}

/** One destination's figures, as ActiveMQ's statistics plugin gives them (plus the oldest waiting message's age). */
export interface DestinationStats {
  destination: string;
  size: number;
  consumers: number;
  enqueued: number;
  dequeued: number;
  /** Age in ms of the oldest message waiting; undefined when none waits. */
  oldestAgeMs?: number;
}

export class MemoryBus implements Bus {
  private readonly queues = new Map<string, Queue>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly logger: Logger;
  private readonly random: () => number;
  private readonly closeTimeoutMs: number;
  private readonly journalDir: string | undefined;
  private readonly journalSegmentBytes: number | undefined;
  private journal: BusJournal | undefined;
  private connected = false;
  /** close() has begun: no new subscriptions, not ready; handlers may still publish retries. */
  private closing = false;
  private closed = false;

  constructor(options: MemoryBusOptions = {}) {
    this.logger = options.logger ?? silentLogger();
    this.random = options.random ?? Math.random;
    this.closeTimeoutMs = options.closeTimeoutMs ?? 20_000;
    this.journalDir = options.journalDir;
    this.journalSegmentBytes = options.journalSegmentBytes;
  }

  /** Whether published messages survive the process (a journal directory was given). */
  get durable(): boolean {
    return this.journalDir !== undefined;
  }

  async connect(): Promise<void> {
    if (this.closing) throw new UnavailableError('BUS_CLOSED', 'bus is closed');
    if (this.journalDir !== undefined && this.journal === undefined) {
      const { journal, unacknowledged } = await BusJournal.open(this.journalDir, { logger: this.logger, segmentBytes: this.journalSegmentBytes });
      this.journal = journal;
      const now = Date.now();
      for (const m of unacknowledged) {
        this.schedule(m.destination, { id: m.id, body: m.body, headers: m.headers, binary: m.binary, redelivered: true }, m.deliverAt - now);
      }
      if (unacknowledged.length > 0) this.logger.info({ messages: unacknowledged.length }, 'bus journal: unacknowledged messages delivered again');
    }
    this.connected = true;
  }

  isConnected(): boolean {
    return this.connected && !this.closing;
  }

  async publish(destination: string, body: string | Buffer, options: PublishOptions = {}): Promise<void> {
    const binary = options.binary ?? false;
    const bytes = Buffer.from(bodyBuffer(body, binary));
    if (!this.connected || this.closed) throw new UnavailableError('BUS_DISCONNECTED', 'bus is not connected');
    const message: StoredMessage = {
      body: bytes,
      headers: {
        ...options.headers,
        [HEADER.contentType]: options.contentType ?? 'application/json',
      },
      binary,
      redelivered: false,
    };
    const delay = options.delayMs ?? 0;
    if (this.journal !== undefined) {
      message.id = await this.journal.append({ destination, headers: message.headers, binary, deliverAt: delay > 0 ? Date.now() + delay : 0, body: bytes });
    }
    this.schedule(destination, message, delay);
  }

  /** Queues a message now, or after `delay` ms (a delayed retry). */
  private schedule(destination: string, message: StoredMessage, delay: number): void {
    if (delay > 0) {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        this.enqueue(destination, message);
      }, delay);
      this.timers.add(timer);
    } else {
      this.enqueue(destination, message);
    }
  }

  async subscribe(destination: string, handler: MessageHandler, options?: SubscribeOptions): Promise<Subscription> {
    if (!this.isConnected()) throw new UnavailableError('BUS_DISCONNECTED', 'bus is not connected');
    if (options?.selector !== undefined) throw new InvalidInputError('BUS_SELECTOR_UNSUPPORTED', 'message selectors need a STOMP broker; the memory bus cannot evaluate them');
    const consumer: Consumer = { destination, handler, policy: resolvePolicy(destination, options), inFlight: new Set(), open: true };
    const queue = this.queue(destination);
    queue.consumers.push(consumer);
    this.dispatch(destination);
    return { close: () => this.closeConsumer(consumer) };
  }

  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    const consumers = [...this.queues.values()].flatMap((q) => q.consumers);
    await Promise.all(consumers.map((c) => this.closeConsumer(c)));
    this.closed = true;
    this.connected = false;
    // Delayed retries stay in the journal (durable bus) or die with the process.
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    await this.journal?.close();
  }

  /**
   * Waits until no message is queued, in a handler or scheduled for a delayed retry, or
   * until the bound. Nothing in this bus outlives the process, so a graceful stop of the
   * single-process pipeline drains it before closing the consumers. Resolves true when empty.
   */
  async drain(timeoutMs: number): Promise<boolean> {
    const until = Date.now() + timeoutMs;
    const empty = () =>
      this.timers.size === 0 && [...this.queues.values()].every((q) => q.messages.length === 0 && q.consumers.every((c) => c.inFlight.size === 0));
    while (!empty()) {
      if (Date.now() >= until) return false;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return true;
  }

  /** Messages waiting (not in a handler) on a destination; for tests and the local dashboard. */
  depth(destination: string): number {
    return this.queues.get(destination)?.messages.length ?? 0;
  }

  /** Every destination this bus has seen, with its figures (the console's queue page for `npm start`). */
  stats(now = Date.now()): DestinationStats[] {
    return [...this.queues.entries()].map(([destination, q]) => ({
      destination,
      size: q.messages.length,
      consumers: q.consumers.length,
      enqueued: q.enqueued,
      dequeued: q.dequeued,
      oldestAgeMs: q.messages[0]?.queuedAt === undefined ? undefined : Math.max(0, now - q.messages[0].queuedAt),
    }));
  }

  private queue(destination: string): Queue {
    let queue = this.queues.get(destination);
    if (!queue) {
      queue = { messages: [], consumers: [], next: 0, enqueued: 0, dequeued: 0 };
      this.queues.set(destination, queue);
    }
    return queue;
  }

  private enqueue(destination: string, message: StoredMessage): void {
    const queue = this.queue(destination);
    queue.enqueued += 1;
    queue.messages.push({ ...message, queuedAt: Date.now() });
    this.dispatch(destination);
  }

  /** Hands waiting messages to consumers with free prefetch slots, round-robin. */
  private dispatch(destination: string): void {
    const queue = this.queues.get(destination);
    if (!queue) return;
    while (queue.messages.length > 0) {
      const n = queue.consumers.length;
      let chosen: Consumer | undefined;
      for (let i = 0; i < n; i += 1) {
        const candidate = queue.consumers[(queue.next + i) % n];
        if (candidate.open && candidate.inFlight.size < candidate.policy.prefetch) {
          chosen = candidate;
          queue.next = (queue.next + i + 1) % n;
          break;
        }
      }
      if (!chosen) return;
      const stored = queue.messages.shift() as StoredMessage;
      this.run(chosen, queue, stored);
    }
  }

  private run(consumer: Consumer, queue: Queue, stored: StoredMessage): void {
    const message = {
      destination: consumer.destination,
      body: Buffer.from(stored.body),
      headers: { ...stored.headers },
      attempt: attemptOf(stored.headers),
      redelivered: stored.redelivered,
      binary: stored.binary,
    };
    const task = deliver(message, consumer.handler, consumer.policy, {
      publish: (dest, body, opts) => this.publish(dest, body, opts),
      logger: this.logger,
      random: this.random,
    }).then(
      () => {
        queue.dequeued += 1;
        if (stored.id !== undefined) this.journal?.ack(stored.id);
      },
      (err: unknown) => {
        // The retry could not be published: release the original, as a broker would.
        this.logger.warn({ destination: consumer.destination, err: String(err) }, 'retry publish failed; message released');
        queue.messages.unshift({ ...stored, redelivered: true });
      },
    );
    consumer.inFlight.add(task);
    void task.finally(() => {
      consumer.inFlight.delete(task);
      this.dispatch(consumer.destination);
    });
  }

  private async closeConsumer(consumer: Consumer): Promise<void> {
    if (!consumer.open && consumer.inFlight.size === 0) return;
    consumer.open = false;
    const queue = this.queues.get(consumer.destination);
    if (queue) queue.consumers = queue.consumers.filter((c) => c !== consumer);
    await settleWithin(consumer.inFlight, this.closeTimeoutMs);
  }
}
