/**
 * The Bus contract: one suite, run against every implementation
 * (MemoryBus in test/unit, StompBus on ActiveMQ in test/integration).
 */
import { waitFor } from '@ediflow/testkit';
import { AppError, InvalidInputError, UnavailableError } from '@ediflow/errors';
import { HEADER, type Bus, type ReceivedMessage } from '@ediflow/bus';

export type BusFactory = () => Bus;

let counter = 0;
/** A destination name no other test (or earlier run against the same broker) uses. */
export function uniqueDestination(label: string): string {
  counter += 1;
  return `test.${label}.${process.pid}.${Date.now().toString(36)}.${counter}`;
}


export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A promise with its resolve function, to hold handlers open. */
export function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

export function busContract(name: string, factory: BusFactory, timing: { deliveryMs: number }): void {
  describe(`Bus contract: ${name}`, () => {
    const buses: Bus[] = [];
    const newBus = async (): Promise<Bus> => {
      const bus = factory();
      buses.push(bus);
      await bus.connect();
      return bus;
    };

    afterEach(async () => {
      await Promise.all(buses.splice(0).map((b) => b.close()));
    });

    it('when a message is published before anyone subscribes, then a new consumer receives its body and headers', async () => {
      const bus = await newBus();
      const dest = uniqueDestination('fresh');
      await bus.publish(dest, '{"hello":"world"}', { headers: { [HEADER.idempotencyKey]: 'k-1', 'correlation-id': 'c-1' } });
      const received: ReceivedMessage[] = [];
      await bus.subscribe(dest, async (m) => {
        received.push(m);
      });
      await waitFor('delivery', () => received.length === 1, timing.deliveryMs);
      const [m] = received;
      expect(m.destination).toBe(dest);
      expect(m.body).toBeInstanceOf(Buffer);
      expect(m.body.toString('utf8')).toBe('{"hello":"world"}');
      expect(m.headers[HEADER.idempotencyKey]).toBe('k-1');
      expect(m.headers['correlation-id']).toBe('c-1');
      expect(m.headers[HEADER.contentType]).toBe('application/json');
      expect(m.attempt).toBe(1);
      expect(m.redelivered).toBe(false);
      expect(m.binary).toBe(false);
    });

    it('when a binary body with NUL bytes is published, then it arrives byte for byte as binary; a text body with NUL is refused', async () => {
      const bus = await newBus();
      const dest = uniqueDestination('binary');
      const bytes = Buffer.from([0x00, 0x01, 0xff, 0x00, 0x7e]);
      await bus.publish(dest, bytes, { binary: true, contentType: 'application/octet-stream' });
      const received: ReceivedMessage[] = [];
      await bus.subscribe(dest, async (m) => {
        received.push(m);
      });
      await waitFor('delivery', () => received.length === 1, timing.deliveryMs);
      expect(received[0].body.equals(bytes)).toBe(true);
      expect(received[0].binary).toBe(true);
      expect(received[0].headers[HEADER.contentType]).toBe('application/octet-stream');
      await expect(bus.publish(dest, bytes)).rejects.toBeInstanceOf(InvalidInputError);
    });

    it('when two consumers share a destination, then each message goes to exactly one of them', async () => {
      const bus = await newBus();
      const dest = uniqueDestination('queue');
      const seen: string[][] = [[], []];
      for (const i of [0, 1]) {
        await bus.subscribe(dest, async (m) => {
          seen[i].push(m.body.toString());
          await sleep(5);
        });
      }
      for (let i = 0; i < 20; i += 1) await bus.publish(dest, `m${i}`);
      await waitFor('all deliveries', () => seen[0].length + seen[1].length >= 20, timing.deliveryMs * 2);
      await sleep(100);
      const all = [...seen[0], ...seen[1]].sort();
      expect(all).toHaveLength(20);
      expect(new Set(all).size).toBe(20);
    });

    it('when one consumer receives a sequence, then handlers start in publish order', async () => {
      const bus = await newBus();
      const dest = uniqueDestination('order');
      const expected = Array.from({ length: 30 }, (_, i) => `m${i}`);
      for (const body of expected) await bus.publish(dest, body);
      const started: string[] = [];
      await bus.subscribe(dest, async (m) => {
        started.push(m.body.toString());
      });
      await waitFor('all deliveries', () => started.length === expected.length, timing.deliveryMs * 2);
      expect(started).toEqual(expected);
    });

    it('when prefetch is 2 and handlers hang, then at most 2 messages are in flight until they finish', async () => {
      const bus = await newBus();
      const dest = uniqueDestination('prefetch');
      for (let i = 0; i < 6; i += 1) await bus.publish(dest, `m${i}`);
      const hold = gate();
      let inFlight = 0;
      let maxInFlight = 0;
      let done = 0;
      await bus.subscribe(
        dest,
        async () => {
          inFlight += 1;
          maxInFlight = Math.max(maxInFlight, inFlight);
          await hold.promise;
          inFlight -= 1;
          done += 1;
        },
        { prefetch: 2 },
      );
      await waitFor('two handlers in flight', () => inFlight === 2, timing.deliveryMs);
      await sleep(300);
      expect(inFlight).toBe(2);
      hold.open();
      await waitFor('all handlers', () => done === 6, timing.deliveryMs * 2);
      expect(maxInFlight).toBe(2);
    });

    it('when a handler keeps failing, then the message is retried with x-attempt up to maxAttempts and then dead-lettered with its reason', async () => {
      const bus = await newBus();
      const dest = uniqueDestination('retry');
      const attempts: number[] = [];
      await bus.subscribe(
        dest,
        async (m) => {
          attempts.push(m.attempt);
          throw new UnavailableError('TEST_DOWNSTREAM_DOWN', 'downstream unavailable');
        },
        { maxAttempts: 3, retryBaseDelayMs: 50 },
      );
      const dead: ReceivedMessage[] = [];
      await bus.subscribe(`DLQ.${dest}`, async (m) => {
        dead.push(m);
      });
      await bus.publish(dest, '{"n":1}', { headers: { [HEADER.idempotencyKey]: 'k-retry' } });
      await waitFor('the dead letter', () => dead.length === 1, timing.deliveryMs * 4);
      await sleep(200);
      expect(attempts).toEqual([1, 2, 3]);
      expect(dead).toHaveLength(1);
      const [d] = dead;
      expect(d.body.toString()).toBe('{"n":1}');
      expect(d.headers[HEADER.deadLetterCode]).toBe('TEST_DOWNSTREAM_DOWN');
      expect(d.headers[HEADER.deadLetterReason]).toBe('downstream unavailable');
      expect(d.headers[HEADER.originalDestination]).toBe(dest);
      expect(d.headers[HEADER.idempotencyKey]).toBe('k-retry');
      expect(d.attempt).toBe(3);
    });

    it('when a handler fails once, then the retry is delivered and nothing is dead-lettered', async () => {
      const bus = await newBus();
      const dest = uniqueDestination('retry-once');
      const attempts: number[] = [];
      let handled = 0;
      await bus.subscribe(
        dest,
        async (m) => {
          attempts.push(m.attempt);
          if (m.attempt === 1) throw new Error('flaky');
          handled += 1;
        },
        { maxAttempts: 3, retryBaseDelayMs: 50, deadLetterDestination: `${dest}.dead` },
      );
      const dead: ReceivedMessage[] = [];
      await bus.subscribe(`${dest}.dead`, async (m) => {
        dead.push(m);
      });
      await bus.publish(dest, 'x');
      await waitFor('the retry', () => handled === 1, timing.deliveryMs * 2);
      await sleep(200);
      expect(attempts).toEqual([1, 2]);
      expect(dead).toHaveLength(0);
    });

    it('when a handler fails with a non-retryable error, then the message is dead-lettered after one attempt', async () => {
      const bus = await newBus();
      const dest = uniqueDestination('poison');
      const attempts: number[] = [];
      await bus.subscribe(
        dest,
        async (m) => {
          attempts.push(m.attempt);
          throw new AppError('TEST_BAD_INPUT', 'input rejected', { retryable: false });
        },
        { maxAttempts: 5, retryBaseDelayMs: 50 },
      );
      const dead: ReceivedMessage[] = [];
      await bus.subscribe(`DLQ.${dest}`, async (m) => {
        dead.push(m);
      });
      await bus.publish(dest, 'x');
      await waitFor('the dead letter', () => dead.length === 1, timing.deliveryMs * 2);
      expect(attempts).toEqual([1]);
      expect(dead[0].headers[HEADER.deadLetterCode]).toBe('TEST_BAD_INPUT');
    });

    it('when the bus is closed while a handler runs, then close waits for it and later publishes fail as retryable', async () => {
      const bus = await newBus();
      const dest = uniqueDestination('close');
      let started = false;
      let finished = false;
      await bus.subscribe(dest, async () => {
        started = true;
        await sleep(300);
        finished = true;
      });
      await bus.publish(dest, 'x');
      await waitFor('the handler', () => started, timing.deliveryMs);
      expect(bus.isConnected()).toBe(true);
      await bus.close();
      expect(finished).toBe(true);
      expect(bus.isConnected()).toBe(false);
      const err: unknown = await bus.publish(dest, 'y').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UnavailableError);
      expect((err as UnavailableError).retryable).toBe(true);
    });

    it('when a subscription is closed, then it receives nothing more and another consumer gets the later messages', async () => {
      const bus = await newBus();
      const dest = uniqueDestination('unsubscribe');
      const first: string[] = [];
      const sub = await bus.subscribe(dest, async (m) => {
        first.push(m.body.toString());
      });
      await bus.publish(dest, 'a');
      await waitFor('first delivery', () => first.length === 1, timing.deliveryMs);
      await sub.close();
      await bus.publish(dest, 'b');
      const second: string[] = [];
      await bus.subscribe(dest, async (m) => {
        second.push(m.body.toString());
      });
      await waitFor('second delivery', () => second.length === 1, timing.deliveryMs);
      expect(first).toEqual(['a']);
      expect(second).toEqual(['b']);
    });
  });
}
