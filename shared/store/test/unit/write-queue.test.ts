import type { FileHandle } from 'node:fs/promises';
import { WriteQueue } from '../../src/write-queue';

/** A FileHandle whose writes finish when the test says, each writing at most `most` bytes per call. */
function slowHandle(most = Infinity) {
  const calls: Array<{ position: number; length: number; finish: () => void }> = [];
  const handle = {
    write: (_buf: Buffer, _offset: number, length: number, position: number) =>
      new Promise<{ bytesWritten: number }>((resolve) => {
        const bytesWritten = Math.min(length, most);
        calls.push({ position, length: bytesWritten, finish: () => resolve({ bytesWritten }) });
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
    await q.add(Buffer.alloc(100), 0);
    await q.add(Buffer.alloc(100), 100);
    await q.add(Buffer.alloc(50), 200);
    expect(calls.map((c) => c.position)).toEqual([0, 100, 200]);
    expect(q.writtenThrough(250)).toBe(0);
    calls[1].finish();
    await tick();
    expect(q.writtenThrough(250)).toBe(0);
    calls[0].finish();
    await tick();
    expect(q.writtenThrough(250)).toBe(200);
    calls[2].finish();
    await tick();
    expect(q.writtenThrough(250)).toBe(250);
    await q.drain();
  });

  it('when a write lands in several calls, then its bytes count as written only after the last', async () => {
    const { handle, calls } = slowHandle(60);
    const q = new WriteQueue(handle);
    await q.add(Buffer.alloc(100), 0);
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
