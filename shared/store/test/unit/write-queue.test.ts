import type { FileHandle } from 'node:fs/promises';
import { WriteQueue } from '../../src/write-queue';

/** A FileHandle whose writes (writev) finish when the test says, each writing at most `most` bytes per call. */
function slowHandle(most = Infinity) {
  const calls: Array<{ position: number; length: number; buffers: number; finish: () => void }> = [];
  const handle = {
    writev: (bufs: Buffer[], position: number) =>
      new Promise<{ bytesWritten: number }>((resolve) => {
        const bytesWritten = Math.min(bufs.reduce((n, b) => n + b.length, 0), most);
        calls.push({ position, length: bytesWritten, buffers: bufs.length, finish: () => resolve({ bytesWritten }) });
      }),
    datasync: async () => undefined,
  } as unknown as FileHandle;
  return { handle, calls };
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('WriteQueue', () => {
  it('when writes finish out of order, then writtenThrough stops at the first one still running', async () => {
    const { handle, calls } = slowHandle();
    const q = new WriteQueue(handle);
    await q.add([Buffer.alloc(100)], 0);
    // a second write in flight: add resolves only once one of the two finished
    let added = false;
    const second = q.add([Buffer.alloc(100)], 100).then(() => {
      added = true;
    });
    await tick();
    expect(calls.map((c) => c.position)).toEqual([0, 100]);
    expect(added).toBe(false);
    expect(q.writtenThrough(200)).toBe(0);
    calls[1].finish();
    await second;
    expect(q.writtenThrough(200)).toBe(0);
    calls[0].finish();
    await tick();
    expect(q.writtenThrough(200)).toBe(200);
    await q.drain();
  });

  it('when a batch of buffers is written in parts, then writev goes on from the byte it stopped at and the batch counts as written after the last part', async () => {
    const { handle, calls } = slowHandle(150);
    const q = new WriteQueue(handle);
    await q.add([Buffer.alloc(100), Buffer.alloc(0), Buffer.alloc(100), Buffer.alloc(100)], 1000);
    calls[0].finish();
    await tick();
    calls[1].finish();
    await tick();
    expect(calls.map((c) => [c.position, c.length, c.buffers])).toEqual([[1000, 150, 3], [1150, 150, 2]]);
    expect(q.writtenThrough(1300)).toBe(1300);
    await q.drain();
  });

  it('when a write lands in several calls, then its bytes count as written only after the last', async () => {
    const { handle, calls } = slowHandle(60);
    const q = new WriteQueue(handle);
    await q.add([Buffer.alloc(100)], 0);
    calls[0].finish();
    await tick();
    expect(calls.map((c) => [c.position, c.length])).toEqual([[0, 60], [60, 40]]);
    expect(q.writtenThrough(100)).toBe(0);
    calls[1].finish();
    await tick();
    expect(q.writtenThrough(100)).toBe(100);
    await q.drain();
  });
});
