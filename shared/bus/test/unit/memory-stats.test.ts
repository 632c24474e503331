import { InvalidInputError } from '@ediflow/errors';
import { MemoryBus } from '@ediflow/bus';
import { waitFor } from '@ediflow/testkit';

describe('MemoryBus.stats', () => {
  it('when messages wait, are consumed and fail, then each destination reports size, consumers, enqueue and dequeue counts and the oldest age', async () => {
    const bus = new MemoryBus();
    await bus.connect();
    await bus.publish('/queue/a', '{}');
    await bus.publish('/queue/a', '{}');
    const start = Date.now();
    expect(bus.stats(start + 1000)).toEqual([{ destination: '/queue/a', size: 2, consumers: 0, enqueued: 2, dequeued: 0, oldestAgeMs: expect.any(Number) as number }]);
    expect(bus.stats(start + 1000)[0].oldestAgeMs).toBeGreaterThanOrEqual(990);

    const handled: string[] = [];
    await bus.subscribe('/queue/a', async (m) => {
      handled.push(m.body.toString());
    });
    await bus.subscribe('/queue/b', async () => {
      throw new InvalidInputError('BAD', 'bad input');
    }, { maxAttempts: 1, retryBaseDelayMs: 0 });
    await bus.publish('/queue/b', '{}');
    // The dead letter waits on DLQ./queue/b, which nobody consumes: wait for it rather than for an empty bus.
    const byName = await waitFor('both messages handled and one dead-lettered', () => {
      const stats = Object.fromEntries(bus.stats().map((s) => [s.destination, s]));
      return stats['/queue/a']?.dequeued === 2 && stats['/queue/b']?.dequeued === 1 && stats['DLQ./queue/b']?.size === 1 && stats;
    });
    expect(byName['/queue/a']).toEqual({ destination: '/queue/a', size: 0, consumers: 1, enqueued: 2, dequeued: 2, oldestAgeMs: undefined });
    expect(byName['/queue/b']).toMatchObject({ size: 0, consumers: 1, enqueued: 1, dequeued: 1 });
    expect(byName['DLQ./queue/b']).toMatchObject({ size: 1, consumers: 0, enqueued: 1, dequeued: 0 });
    await bus.close();
  }, 20_000);
});
