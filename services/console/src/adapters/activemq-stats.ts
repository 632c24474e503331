/**
 * Queue figures from ActiveMQ's statistics plugin over STOMP: a SEND to
 * `/queue/ActiveMQ.Statistics.Destination.>` with a `reply-to` gets one map message per queue
 * (size, consumerCount, enqueueCount, dequeueCount, ...), JSON when the reply subscription asks
 * for `transformation:jms-map-json`; an empty broker answers nothing, so a second SEND to
 * `ActiveMQ.Statistics.Broker` follows, and its one answer (no destination in it) ends the list. The broker needs `<statisticsBrokerPlugin/>` (Amazon MQ
 * allows it in the broker configuration; tools/activemq turns it on for local brokers).
 * One short connection per reading; a failover list is tried in order (the standby refuses).
 */
import { randomUUID } from 'node:crypto';
import stompit from 'stompit';
import { parseBrokerUrl, type BrokerEndpoint } from '@ediflow/bus';
import { isPlatformQueue, queueName, type QueueFigures } from '../domain/queues';

export interface ActiveMqStatsOptions {
  url: string;
  login?: string;
  passcode?: string;
  /** Bound on one reading; default 5 s. */
  timeoutMs?: number;
}

type MapEntry = { string: string | [string, string] } & Record<string, unknown>;

/** One statistics answer (jms-map-json) as queue figures; undefined for an answer about no destination (the broker's own). */
export function figuresFromStatistics(body: string): QueueFigures | undefined {
  const parsed = JSON.parse(body) as { map?: { entry?: MapEntry[] | MapEntry } | string };
  const raw = typeof parsed.map === 'object' ? parsed.map.entry : undefined;
  const entries = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
  const values = new Map<string, unknown>();
  for (const e of entries) {
    if (Array.isArray(e.string)) values.set(e.string[0], e.string[1]);
    else values.set(e.string, e.long ?? e.int ?? e.double);
  }
  const destination = values.get('destinationName');
  if (typeof destination !== 'string') return undefined;
  const num = (k: string) => Number(values.get(k) ?? 0);
  return { destination, size: num('size'), consumers: num('consumerCount'), enqueued: num('enqueueCount'), dequeued: num('dequeueCount') };
}

function connect(endpoint: BrokerEndpoint, login: string | undefined, passcode: string | undefined, timeoutMs: number): Promise<stompit.Client> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { host: '/', 'heart-beat': '0,0' };
    if (login !== undefined) headers.login = login;
    if (passcode !== undefined) headers.passcode = passcode;
    const common = { host: endpoint.host, port: endpoint.port, timeout: timeoutMs, connectHeaders: headers };
    const options: stompit.connect.ConnectOptions = endpoint.tls ? { ...common, ssl: true, servername: endpoint.host } : { ...common, ssl: false };
    const client = stompit.connect(options, (err) => {
      if (err) reject(err);
      else resolve(client);
    });
    client.on('error', () => undefined);
  });
}

/**
 * Age of the first message waiting on a queue: a browsing subscription (`browser:true`, one
 * message prefetched) reads the first message's JMS timestamp and is closed at once; nothing is
 * consumed. Undefined when nothing arrives within the bound.
 */
function oldestAge(client: stompit.Client, destination: string, timeoutMs: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    let done = false;
    const finish = (age?: number) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      subscription.unsubscribe();
      resolve(age);
    };
    const timer = setTimeout(() => finish(), timeoutMs);
    const subscription = client.subscribe({ destination, ack: 'auto', browser: 'true', 'activemq.prefetchSize': '1' }, (err, message) => {
      if (err) {
        finish();
        return;
      }
      // stompit's types leave out the headers every incoming frame carries.
      const headers = (message as unknown as { headers: Record<string, string | number> }).headers;
      const ts = Number(headers.timestamp);
      message.readString('utf8', () => finish(headers.browser === 'end' || !Number.isFinite(ts) || ts <= 0 ? undefined : Math.max(0, Date.now() - ts)));
    });
  });
}

async function readOnce(endpoint: BrokerEndpoint, options: ActiveMqStatsOptions): Promise<QueueFigures[]> {
  const timeoutMs = options.timeoutMs ?? 5000;
  const client = await connect(endpoint, options.login ?? endpoint.login, options.passcode ?? endpoint.passcode, timeoutMs);
  const figures: QueueFigures[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      const bound = setTimeout(() => finish(new Error('no statistics answer (is the statisticsBrokerPlugin on?)')), timeoutMs);
      const finish = (err?: Error) => {
        clearTimeout(bound);
        if (err) reject(err);
        else resolve();
      };
      const replyTo = `/temp-queue/ediflow-console-${randomUUID()}`;
      client.subscribe({ destination: replyTo, ack: 'auto', transformation: 'jms-map-json' }, (err, message) => {
        if (err) {
          finish(err);
          return;
        }
        message.readString('utf8', (readErr, body) => {
          if (readErr || body === undefined) {
            finish(readErr ?? new Error('empty statistics frame'));
            return;
          }
          const f = body.trim() === '' ? undefined : figuresFromStatistics(body);
          if (!f) {
            finish();
            return;
          }
          figures.push(f);
        });
      });
      // The broker handles one connection's frames in order: its own answer comes after every queue's.
      client.send({ destination: '/queue/ActiveMQ.Statistics.Destination.>', 'reply-to': replyTo }).end('');
      client.send({ destination: '/queue/ActiveMQ.Statistics.Broker', 'reply-to': replyTo }).end('');
    });
    const waiting = figures.filter((f) => f.size > 0 && isPlatformQueue(queueName(f.destination)));
    const ages = await Promise.all(waiting.map((f) => oldestAge(client, `/queue/${f.destination.replace(/^queue:\/\//, '')}`, 1000)));
    waiting.forEach((f, i) => {
      f.oldestAgeMs = ages[i];
    });
  } finally {
    // A statistics reading changes nothing on the broker: drop the connection rather than wait for a DISCONNECT receipt.
    client.destroy(new Error('statistics read'));
  }
  return figures;
}

/** Reads every queue's figures from the first broker of the URL that answers. */
export function activeMqStats(options: ActiveMqStatsOptions): () => Promise<QueueFigures[]> {
  const endpoints = parseBrokerUrl(options.url);
  return async () => {
    let last: unknown;
    for (const endpoint of endpoints) {
      try {
        return await readOnce(endpoint, options);
      } catch (err) {
        last = err;
      }
    }
    throw last instanceof Error ? last : new Error('broker unreachable');
  };
}

/** Named broker URLs (CONSOLE_BROKERS) as queue sources of the console. */
export function activeMqSources(brokers: readonly { name: string; url: string }[], credentials: { login?: string; passcode?: string } = {}): { name: string; read: () => Promise<QueueFigures[]> }[] {
  return brokers.map((b) => ({ name: b.name, read: activeMqStats({ url: b.url, ...credentials }) }));
}
