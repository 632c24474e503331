import { Lanes, SendGate } from '../../src/adapters/gate';

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve: () => void = () => undefined;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

describe('Lanes', () => {
  it('when tasks share a lane, then they run one after another in call order; other lanes run meanwhile', async () => {
    const lanes = new Lanes();
    const log: string[] = [];
    const first = deferred();
    const a1 = lanes.run('a', async () => {
      await first.promise;
      log.push('a1');
    });
    const a2 = lanes.run('a', async () => void log.push('a2'));
    const b1 = lanes.run('b', async () => void log.push('b1'));
    await b1;
    expect(log).toEqual(['b1']);
    first.resolve();
    await Promise.all([a1, a2]);
    expect(log).toEqual(['b1', 'a1', 'a2']);
    expect(lanes.size()).toBeLessThanOrEqual(1);
  });

  it('when a task fails, then the next one in the lane still runs', async () => {
    const lanes = new Lanes();
    await expect(lanes.run('a', async () => Promise.reject(new Error('x')))).rejects.toThrow('x');
    await expect(lanes.run('a', async () => 7)).resolves.toBe(7);
  });
});

describe('SendGate', () => {
  it('when an exclusive task waits, then it runs alone after the shared ones finish and before later shared ones', async () => {
    const gate = new SendGate();
    const log: string[] = [];
    const hold = deferred();
    const s1 = gate.run(false, async () => {
      log.push('s1 start');
      await hold.promise;
      log.push('s1 end');
    });
    const x = gate.run(true, async () => void log.push('x'));
    const s2 = gate.run(false, async () => void log.push('s2'));
    await Promise.resolve();
    expect(log).toEqual(['s1 start']);
    hold.resolve();
    await Promise.all([s1, x, s2]);
    expect(log).toEqual(['s1 start', 's1 end', 'x', 's2']);
  });
});
