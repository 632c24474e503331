import { StoreNotFoundError, StoreUnavailableError, loggableKey } from '@ediflow/store';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { EmbeddedObjectStore, createObjectStore, readAll } from '@ediflow/store';
import { objectStoreContract } from '../contract/object-store-contract';

const MiB = 1024 * 1024;

objectStoreContract(
  'EmbeddedObjectStore',
  async () => {
    const root = await mkdtemp(join(tmpdir(), 'ediflow-store-'));
    return {
      store: createObjectStore({ kind: 'embedded', root: join(root, 'store') }),
      close: () => rm(root, { recursive: true, force: true }),
    };
  },
  // A quarter of the 64 MiB put: buffering the body would pass it. The store holds 4 writes of
  // 64 KiB in flight, but the sampled peak (ArrayBuffer memory after gc()) ranged from 0.6 to
  // 11 MiB in repeated runs of this test, most likely because V8 sweeps freed backing stores on
  // a background thread after gc() returns. 8 MiB failed one full unit run in three.
  { conditionalWrites: true, streamingMemoryLimitBytes: 16 * MiB },
);

describe('EmbeddedObjectStore on disk', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'ediflow-store-'));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('when a key is put, then it lands in nested folders with the raw bytes and a JSON sidecar holding the etag (SHA-256, 32 hex digits)', async () => {
    const store = new EmbeddedObjectStore({ root, clock: () => new Date('2026-01-02T03:04:05.000Z') });
    const bytes = Buffer.from('ISA*00~\r\n\u0000');
    const { etag } = await store.put('inbound/p1/abc', bytes, { metadata: { FileId: 'f1' } });
    expect(etag).toBe(createHash('sha256').update(bytes).digest('hex').slice(0, 32));
    const files = (await readdir(join(root, 'inbound', 'p1'))).sort();
    expect(files).toHaveLength(2);
    expect(files[0]).toBe('abc@meta.json');
    expect(files[1]).toMatch(/^abc@v-[0-9a-f]{32}$/);
    expect((await readFile(join(root, 'inbound', 'p1', files[1]))).equals(bytes)).toBe(true);
    const sidecar = JSON.parse(await readFile(join(root, 'inbound', 'p1', files[0]), 'utf8')) as Record<string, unknown>;
    expect(sidecar).toMatchObject({ key: 'inbound/p1/abc', etag, size: bytes.length, metadata: { fileid: 'f1' }, lastModified: '2026-01-02T03:04:05.000Z' });
  });

  it('when an object is overwritten, copied and deleted, then no data files are left behind', async () => {
    const store = new EmbeddedObjectStore({ root });
    await store.put('work/f1/source.x12', 'one');
    await store.put('work/f1/source.x12', 'two');
    expect(await readdir(join(root, 'work', 'f1'))).toHaveLength(2);
    await store.copy('work/f1/source.x12', 'work/f1/copy.x12');
    await store.delete('work/f1/source.x12');
    await store.delete('work/f1/copy.x12');
    expect(await readdir(join(root, 'work', 'f1'))).toEqual([]);
  });

  it('when one key is the folder of another, then both objects live side by side', async () => {
    const store = new EmbeddedObjectStore({ root });
    await store.put('a/b', 'parent');
    await store.put('a/b/c', 'child');
    await store.put('a/b@meta.json', 'tricky');
    expect((await readAll((await store.get('a/b')).body)).toString()).toBe('parent');
    expect((await readAll((await store.get('a/b/c')).body)).toString()).toBe('child');
    expect((await readAll((await store.get('a/b@meta.json')).body)).toString()).toBe('tricky');
    const keys = [];
    for await (const item of store.list('a/')) keys.push(item.key);
    expect(keys).toEqual(['a/b', 'a/b/c', 'a/b@meta.json']);
  });

  it('when keys differ at a dash or a slash, then list orders them by UTF-8 bytes as S3 does', async () => {
    const store = new EmbeddedObjectStore({ root });
    const keys = ['p/e/0', 'p/e-1', 'p/in-other', 'p/in/x', 'p/é', 'p/z', 'p/E'];
    for (const key of keys) await store.put(key, key);
    const listed = [];
    for await (const item of store.list('p/')) listed.push(item.key);
    expect(listed).toEqual(['p/E', 'p/e-1', 'p/e/0', 'p/in-other', 'p/in/x', 'p/z', 'p/é']);
  });

  it('when a reader holds a stream and the key is overwritten, then the reader still gets the old bytes in full', async () => {
    const store = new EmbeddedObjectStore({ root });
    const old = Buffer.alloc(2 * MiB, 1);
    await store.put('k/x', old);
    const { body } = await store.get('k/x');
    await store.put('k/x', Buffer.alloc(10, 2));
    expect((await readAll(body)).equals(old)).toBe(true);
    expect((await readAll((await store.get('k/x')).body)).equals(Buffer.alloc(10, 2))).toBe(true);
  });

  it('when readers and writers hit one key at once, then every read sees one whole version with its own etag', async () => {
    const store = new EmbeddedObjectStore({ root });
    const versions = Array.from({ length: 6 }, (_, i) => Buffer.alloc(64 * 1024 + i, i + 1));
    await store.put('k/busy', versions[0]);
    const reads: Promise<boolean>[] = [];
    const writes = versions.map((v) => store.put('k/busy', v));
    for (let i = 0; i < 20; i += 1) {
      reads.push(
        store.get('k/busy').then(async ({ body, info }) => {
          const bytes = await readAll(body);
          return bytes.length === info.size && createHash('sha256').update(bytes).digest('hex').slice(0, 32) === info.etag && versions.some((v) => v.equals(bytes));
        }),
      );
    }
    await Promise.all(writes);
    expect(await Promise.all(reads)).toEqual(Array(20).fill(true));
  });

  it('when the root cannot be created, then isReady answers false and put rejects as retryable STORE_UNAVAILABLE', async () => {
    const file = join(root, 'plain-file');
    await writeFile(file, 'not a folder');
    const store = new EmbeddedObjectStore({ root: join(file, 'store') });
    expect(await store.isReady()).toBe(false);
    await expect(store.put('a/b', 'x')).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE', retryable: true });
  });

  /** `total` bytes of seeded noise in chunks of 0 bytes to ~1.5 MiB (uneven, so writes land out of order). */
  function unevenChunks(total: number, seed: number): Buffer[] {
    let x = seed;
    const next = (): number => (x = (x * 1103515245 + 12345) % 2147483648) / 2147483648;
    const chunks: Buffer[] = [];
    for (let left = total; left > 0; ) {
      const r = next();
      const n = Math.min(left, r < 0.1 ? 0 : r < 0.2 ? 1 : Math.floor(next() * 1.5 * MiB));
      const c = Buffer.alloc(n);
      for (let i = 0; i < n; i += 4096) c[i] = Math.floor(next() * 256);
      chunks.push(c);
      left -= n;
    }
    return chunks;
  }
  const sha = (chunks: Buffer[]): string => createHash('sha256').update(Buffer.concat(chunks)).digest('hex').slice(0, 32);

  it('when long and short streams are put at once in uneven chunks, then each etag is the SHA-256 of its bytes (long ones hashed on a thread from the file)', async () => {
    const store = new EmbeddedObjectStore({ root });
    const bodies = [unevenChunks(9 * MiB + 7, 1), unevenChunks(12 * MiB, 2), unevenChunks(3 * MiB, 3), unevenChunks(4 * MiB + 1, 4)];
    const etags = await Promise.all(bodies.map((chunks, i) => store.put(`work/f${i}/source.x12`, Readable.from(chunks))));
    for (let i = 0; i < bodies.length; i++) {
      expect(etags[i].etag).toBe(sha(bodies[i]));
      expect((await store.head(`work/f${i}/source.x12`))?.etag).toBe(sha(bodies[i]));
      expect((await readAll((await store.get(`work/f${i}/source.x12`)).body)).equals(Buffer.concat(bodies[i]))).toBe(true);
    }
  });

  it('when a long stream fails after its hashing moved to the thread, then put rejects with its error, leaves no file, and the next long put is hashed right', async () => {
    const store = new EmbeddedObjectStore({ root });
    const chunks = unevenChunks(8 * MiB, 5);
    async function* failing(): AsyncGenerator<Buffer> {
      yield* chunks;
      throw new Error('decryption failed midway');
    }
    await expect(store.put('work/f1/source.x12', Readable.from(failing()))).rejects.toThrow('decryption failed midway');
    expect(await store.head('work/f1/source.x12')).toBeUndefined();
    expect(await readdir(join(root, 'work', 'f1'))).toEqual([]);
    const again = unevenChunks(6 * MiB, 6);
    expect((await store.put('work/f1/source.x12', Readable.from(again))).etag).toBe(sha(again));
  });

  it('when a key segment is too long for a file name, then put rejects with STORE_INVALID_KEY', async () => {
    const store = new EmbeddedObjectStore({ root });
    await expect(store.put(`a/${'x'.repeat(300)}`, 'x')).rejects.toMatchObject({ code: 'STORE_INVALID_KEY' });
  });
});

describe('store errors', () => {
  it('when an upload key holds a partner file name, then error messages leave the name out', () => {
    expect(loggableKey('inbound/acme/JOHN_SMITH_claims.x12')).toBe('inbound/acme/[name]');
    expect(loggableKey('work/abc123/source.x12')).toBe('work/abc123/source.x12');
    expect(new StoreNotFoundError('inbound/acme/JOHN_SMITH.x12').message).not.toContain('JOHN_SMITH');
    expect(JSON.stringify(new StoreUnavailableError('get', 'inbound/acme/JOHN_SMITH.x12'))).not.toContain('JOHN_SMITH');
  });
});
