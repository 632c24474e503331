import { MemoryBus, ReleaseMessageError, deliver, isRelease, resolvePolicy, type PublishOptions, type ReceivedMessage } from '@ediflow/bus';
import { InvalidInputError } from '@ediflow/errors';
import { silentLogger } from '@ediflow/logger';

const message: ReceivedMessage = { destination: 'q', body: Buffer.from('x'), headers: {}, attempt: 1, redelivered: false };

describe('ReleaseMessageError', () => {
  it('when a handler throws it, then deliver() rejects with it and publishes no retry or dead letter', async () => {
    const published: Array<{ destination: string; options: PublishOptions }> = [];
    const outcome = deliver(message, async () => Promise.reject(new ReleaseMessageError()), resolvePolicy('q'), {
      publish: async (destination, _body, options) => void published.push({ destination, options }),
      logger: silentLogger(),
      random: () => 0,
    });
    const err: unknown = await outcome.then(() => undefined, (e: unknown) => e);
    expect(isRelease(err)).toBe(true);
    expect(published).toEqual([]);
  });

  it('when a MemoryBus consumer releases a message while closing, then the message stays on the queue', async () => {
    const bus = new MemoryBus({ closeTimeoutMs: 500 });
    await bus.connect();
    let closing = false;
    let calls = 0;
    const sub = await bus.subscribe('q', async () => {
      calls += 1;
      while (!closing) await new Promise((resolve) => setTimeout(resolve, 5));
      throw new ReleaseMessageError();
    });
    await bus.publish('q', 'keep me');
    while (calls === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    closing = true;
    await sub.close();
    expect(bus.depth('q')).toBe(1);
    expect(bus.depth('DLQ.q')).toBe(0);
    await bus.close();
  });
});

describe('SubscribeOptions.selector', () => {
  it('when a selector is given to the MemoryBus, then it refuses instead of ignoring it', async () => {
    const bus = new MemoryBus();
    await bus.connect();
    await expect(bus.subscribe('q', async () => undefined, { selector: "type = 'A'" })).rejects.toBeInstanceOf(InvalidInputError);
    await bus.close();
  });
});
