import { EventEmitter } from 'node:events';
import { memoryDestination, createLogger } from '@ediflow/logger';
import { createLifecycle } from '@ediflow/lifecycle';

function fakeProcess() {
  const emitter = new EventEmitter();
  return { emitter, proc: { once: emitter.once.bind(emitter), on: emitter.on.bind(emitter) } as unknown as NodeJS.Process };
}

describe('createLifecycle', () => {
  it('when SIGTERM arrives, then steps run once in order and the process exits 0', async () => {
    const order: string[] = [];
    const codes: number[] = [];
    const { emitter, proc } = fakeProcess();
    const lc = createLifecycle({ logger: createLogger({ service: 't', destination: memoryDestination() }), exit: (c) => codes.push(c), process: proc });
    lc.onShutdown('stop consuming', async () => {
      await new Promise((r) => setTimeout(r, 20));
      order.push('consumer');
    });
    lc.onShutdown('close bus', async () => {
      order.push('bus');
    });
    lc.install();
    emitter.emit('SIGTERM');
    await lc.shutdown('again');
    expect(order).toEqual(['consumer', 'bus']);
    expect(codes).toEqual([0]);
  });

  it('when a step hangs past the bound, then the process exits 1 at the bound', async () => {
    const codes: number[] = [];
    const lc = createLifecycle({ logger: createLogger({ service: 't', destination: memoryDestination() }), timeoutMs: 50, exit: (c) => codes.push(c), process: fakeProcess().proc });
    lc.onShutdown('hang', () => new Promise(() => undefined));
    const started = Date.now();
    await lc.shutdown('test');
    expect(codes).toEqual([1]);
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
