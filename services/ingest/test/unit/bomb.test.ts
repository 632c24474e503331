import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { fileIdFor } from '@ediflow/messages';
import { EmbeddedObjectStore, type Body, type ObjectStore, type PutOptions } from '@ediflow/store';
import { bomb, harness, makeParties, registryInput, type Harness, type Parties } from '../helpers';

jest.setTimeout(60_000);

/** An embedded store that counts the bytes written to each key. */
function countingStore(root: string): { store: ObjectStore; written: Map<string, number> } {
  const inner = new EmbeddedObjectStore({ root });
  const written = new Map<string, number>();
  const store: ObjectStore = Object.create(inner) as ObjectStore;
  store.put = (key: string, body: Body, options?: PutOptions) => {
    written.set(key, 0);
    const count = (n: number) => written.set(key, (written.get(key) ?? 0) + n);
    if (!(body instanceof Readable)) {
      count(typeof body === 'string' ? Buffer.byteLength(body) : body.length);
      return inner.put(key, body, options);
    }
    const counter = new Transform({
      transform(chunk: Buffer, _e, cb) {
        count(chunk.length);
        cb(null, chunk);
      },
    });
    body.on('error', (err) => counter.destroy(err));
    return inner.put(key, body.pipe(counter), options);
  };
  return { store, written };
}

describe('decompression bomb', () => {
  let p: Parties;
  let h: Harness | undefined;
  let root: string;
  beforeAll(async () => {
    p = await makeParties();
  });
  afterEach(async () => {
    await h?.close();
    await rm(root, { recursive: true, force: true });
  });

  it('when a small file inflates far past the expansion ratio but under the size cap, then it is quarantined within 5 s having written a few MB', async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'ingest-bomb-'));
    const { store, written } = countingStore(root);
    // The size cap (2 GiB) is far above what the bomb inflates to: only the ratio can stop it early.
    h = await harness(p, registryInput(p), { store, maxFileBytes: 2 * 1024 ** 3 });
    const input = await bomb(p, 128);
    expect(input.length).toBeLessThan(256 * 1024);
    const key = 'inbound/acme/bomb.pgp';
    const { etag } = await store.put(key, input);
    const fileId = fileIdFor(h.bucket, key, etag);

    const started = Date.now();
    const outcome = await h.service().processClaimed({ key, size: input.length, etag, lastModified: new Date() });
    const elapsed = Date.now() - started;

    expect(outcome).toEqual({ fileId, outcome: 'quarantined' });
    const reason = JSON.parse((await h.text(`quarantine/${fileId}/reason.json`)) ?? '{}') as { code: string; message: string };
    expect(reason.code).toBe('PGP_TOO_LARGE');
    expect(reason.message).toContain('decompression bomb');
    expect(elapsed).toBeLessThan(5000);
    expect(written.get(`work/${fileId}/source.x12`)).toBeLessThan(4 * 1024 * 1024);
    expect(h.received).toEqual([]);
  });
});
