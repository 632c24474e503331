/**
 * The ObjectStore contract: one suite, run against every implementation
 * (EmbeddedObjectStore in test/unit, S3ObjectStore against s3rver in
 * test/integration). Call it inside a test file; it registers its own tests.
 */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { readAll, type ObjectStore } from '@ediflow/store';

export interface ContractCapabilities {
  /**
   * Whether create-only puts (`ifNoneMatch`, S3 `If-None-Match: *`) are honoured.
   * The embedded store honours them atomically, and real S3 has honoured
   * If-None-Match on PutObject and CompleteMultipartUpload since August 2024.
   * The same flag covers `ifMatch` on delete and copy (S3 If-Match /
   * x-amz-copy-source-if-match). s3rver 3.7 ignores all three; @ediflow/testkit's
   * server adds them, so both runs register these cases.
   */
  conditionalWrites: boolean;
  /** Most bytes of Buffer memory the test process may hold while a 30 MiB stream is put. */
  streamingMemoryLimitBytes: number;
}

export interface ContractSubject {
  store: ObjectStore;
  /** Frees what the factory started (servers, temp folders). */
  close: () => Promise<void>;
}

const MiB = 1024 * 1024;

export function objectStoreContract(
  name: string,
  factory: () => Promise<ContractSubject>,
  capabilities: ContractCapabilities,
): void {
  describe(`ObjectStore contract: ${name}`, () => {
    let subject: ContractSubject;
    let store: ObjectStore;
    let counter = 0;
    /** A fresh key prefix per test, so tests never see each other's objects. */
    const fresh = (): string => {
      counter += 1;
      return `contract/t${counter}`;
    };

    beforeAll(async () => {
      subject = await factory();
      store = subject.store;
    });

    afterAll(async () => {
      await subject?.close();
    });

    it('when the store is up, then isReady answers true', async () => {
      expect(await store.isReady()).toBe(true);
    });

    it('when binary bytes with CR/LF and NUL are put, then get returns them byte-exact with the put etag', async () => {
      const key = `${fresh()}/source.x12`;
      const bytes = Buffer.concat([Buffer.from('ISA*00*~\r\n'), Buffer.from([0, 13, 10, 0, 255, 254]), Buffer.from(Array.from({ length: 256 }, (_, i) => i))]);
      const { etag } = await store.put(key, bytes);
      const { body, info } = await store.get(key);
      const read = await readAll(body);
      expect(read.equals(bytes)).toBe(true);
      expect(info.size).toBe(bytes.length);
      expect(etag).toMatch(/^[0-9a-f]{32}(-\d+)?$/);
      expect(info.etag).toBe(etag);
      expect(info.key).toBe(key);
    });

    it('when a string and a Uint8Array are put, then they read back as their UTF-8 bytes and raw bytes', async () => {
      const prefix = fresh();
      await store.put(`${prefix}/s`, 'héllo~\n');
      await store.put(`${prefix}/u`, new Uint8Array([1, 2, 3, 0]));
      expect((await readAll((await store.get(`${prefix}/s`)).body)).equals(Buffer.from('héllo~\n', 'utf8'))).toBe(true);
      expect((await readAll((await store.get(`${prefix}/u`)).body)).equals(Buffer.from([1, 2, 3, 0]))).toBe(true);
    });

    it('when an object is put with metadata, then head and get return it with lower-case names', async () => {
      const key = `${fresh()}/with-meta`;
      const before = Date.now();
      await store.put(key, 'x', { metadata: { FileId: 'f-123', 'partner-id': 'p1' }, contentType: 'application/edi-x12' });
      const head = await store.head(key);
      const { body, info } = await store.get(key);
      body.resume();
      expect(head?.metadata).toEqual({ fileid: 'f-123', 'partner-id': 'p1' });
      expect(info.metadata).toEqual({ fileid: 'f-123', 'partner-id': 'p1' });
      expect(head?.size).toBe(1);
      // S3 keeps whole seconds; allow for that and for clock skew of the server.
      expect(head!.lastModified.getTime()).toBeGreaterThan(before - 5000);
      expect(head!.lastModified.getTime()).toBeLessThan(Date.now() + 5000);
    });

    it('when a key is put twice, then the second body and metadata replace the first', async () => {
      const key = `${fresh()}/twice`;
      await store.put(key, 'first', { metadata: { n: '1' } });
      const { etag } = await store.put(key, 'second', { metadata: { n: '2' } });
      const { body, info } = await store.get(key);
      expect((await readAll(body)).toString()).toBe('second');
      expect(info.metadata).toEqual({ n: '2' });
      expect(info.etag).toBe(etag);
    });

    it('when head asks for a missing key, then it answers undefined', async () => {
      expect(await store.head(`${fresh()}/missing`)).toBeUndefined();
    });

    it('when get asks for a missing key, then it rejects with STORE_NOT_FOUND, not retryable', async () => {
      const key = `${fresh()}/missing`;
      const err = await store.get(key).then(() => undefined, (e: unknown) => e);
      expect(err).toMatchObject({ name: 'StoreNotFoundError', code: 'STORE_NOT_FOUND', retryable: false });
      expect((err as Error).message).toContain(key);
    });

    it('when a prefix holds more objects than one page, then list returns all of them and only them, in key order', async () => {
      const prefix = fresh();
      // No key here is a '-'/'/' sibling of another: s3rver lists those in folder order, not byte order
      // (the embedded store's byte order is checked in its own unit test).
      const inside = ['b', 'a', 'c/1', 'c/2', 'd', 'e', 'f/0', 'g'].map((s) => `${prefix}/in/${s}`);
      const outside = [`${prefix}/inx/a`, `${prefix}/out/a`];
      await Promise.all([...inside, ...outside].map((k) => store.put(k, k)));
      const listed = [];
      for await (const item of store.list(`${prefix}/in/`)) listed.push(item);
      const expected = [...inside].sort(byBytes);
      expect(listed.map((o) => o.key)).toEqual(expected);
      const first = listed[0];
      expect(first.size).toBe(Buffer.byteLength(first.key));
      expect(first.etag).toBe((await store.head(first.key))?.etag);

      const partial = [];
      for await (const item of store.list(`${prefix}/in`)) partial.push(item.key);
      expect(partial).toEqual([...inside, `${prefix}/inx/a`].sort(byBytes));
    });

    it('when a prefix holds nothing, then list yields nothing', async () => {
      const listed = [];
      for await (const item of store.list(`${fresh()}/none/`)) listed.push(item);
      expect(listed).toEqual([]);
    });

    it('when a key is deleted twice, then both resolve and the object is gone', async () => {
      const key = `${fresh()}/to-delete`;
      await store.put(key, 'x');
      await store.delete(key);
      await store.delete(key);
      expect(await store.head(key)).toBeUndefined();
      await expect(store.get(key)).rejects.toMatchObject({ code: 'STORE_NOT_FOUND' });
      const listed = [];
      for await (const item of store.list(key)) listed.push(item);
      expect(listed).toEqual([]);
    });

    it('when an object is copied, then the copy has the same bytes and metadata and the source stays', async () => {
      const prefix = fresh();
      const bytes = Buffer.from([0, 1, 13, 10, 200]);
      await store.put(`${prefix}/from`, bytes, { metadata: { fileid: 'f-9' } });
      await store.copy(`${prefix}/from`, `${prefix}/sub/to`);
      const copied = await store.get(`${prefix}/sub/to`);
      expect((await readAll(copied.body)).equals(bytes)).toBe(true);
      expect(copied.info.metadata).toEqual({ fileid: 'f-9' });
      expect((await store.head(`${prefix}/from`))?.metadata).toEqual({ fileid: 'f-9' });
    });

    it('when the copy source is missing, then copy rejects with STORE_NOT_FOUND', async () => {
      const prefix = fresh();
      await expect(store.copy(`${prefix}/nothing`, `${prefix}/to`)).rejects.toMatchObject({ code: 'STORE_NOT_FOUND' });
      expect(await store.head(`${prefix}/to`)).toBeUndefined();
    });

    it.each([['../escape'], ['/absolute'], ['a//b'], ['a/./b'], ['a/../b'], ['trailing/'], [''], ['back\\slash'], ['nul\u0000']])(
      'when the key is %j, then every operation rejects it with STORE_INVALID_KEY',
      async (key) => {
        await expect(store.put(key, 'x')).rejects.toMatchObject({ code: 'STORE_INVALID_KEY' });
        await expect(store.get(key)).rejects.toMatchObject({ code: 'STORE_INVALID_KEY' });
        await expect(store.head(key)).rejects.toMatchObject({ code: 'STORE_INVALID_KEY' });
        await expect(store.delete(key)).rejects.toMatchObject({ code: 'STORE_INVALID_KEY' });
        await expect(store.copy(key, 'ok/key')).rejects.toMatchObject({ code: 'STORE_INVALID_KEY' });
      },
    );

    it.each([['../'], ['/abs/'], ['a//'], ['a/../b']])('when the list prefix is %j, then listing rejects with STORE_INVALID_KEY', async (prefix) => {
      const listing = (async () => {
        for await (const _item of store.list(prefix)) {
          // nothing: the first step must fail
        }
      })();
      await expect(listing).rejects.toMatchObject({ code: 'STORE_INVALID_KEY' });
    });

    it('when the body stream fails midway, then put rejects with the stream error and nothing is stored', async () => {
      const key = `${fresh()}/broken`;
      let sent = 0;
      const failing = new Readable({
        read() {
          if (sent >= 3 * MiB) {
            this.destroy(new Error('decrypt failed'));
            return;
          }
          sent += 256 * 1024;
          this.push(Buffer.alloc(256 * 1024, 7));
        },
      });
      await expect(store.put(key, failing)).rejects.toThrow('decrypt failed');
      expect(await store.head(key)).toBeUndefined();
    });

    it(
      'when 64 MiB are put from a stream of unknown length, then they arrive intact and memory stays bounded (well under the size)',
      async () => {
        const key = `${fresh()}/large.bin`;
        const total = 64 * MiB + 12345;
        const source = patternStream(total);
        const gc = exposeGc();
        gc();
        const baseline = process.memoryUsage().arrayBuffers;
        let peak = 0;
        const stopAt = Date.now() + 50_000;
        const sample = (): void => {
          if (Date.now() > stopAt) clearInterval(timer);
          gc();
          peak = Math.max(peak, process.memoryUsage().arrayBuffers - baseline);
        };
        const timer: NodeJS.Timeout = setInterval(sample, 50);
        try {
          await store.put(key, source.stream);
        } finally {
          clearInterval(timer);
        }
        sample();
        expect(source.produced()).toBe(total);
        expect(peak).toBeLessThan(capabilities.streamingMemoryLimitBytes);

        const { body, info } = await store.get(key);
        const hash = createHash('sha256');
        let size = 0;
        for await (const chunk of body as AsyncIterable<Buffer>) {
          hash.update(chunk);
          size += chunk.length;
        }
        expect(size).toBe(total);
        expect(info.size).toBe(total);
        expect(hash.digest('hex')).toBe(source.sha256());
      },
      60_000,
    );

    if (capabilities.conditionalWrites) {
      it('when a create-only put meets an existing key, then it rejects with STORE_CONFLICT and the object is unchanged', async () => {
        const key = `${fresh()}/claim`;
        await store.put(key, 'first', { ifNoneMatch: true });
        const err = await store.put(key, 'second', { ifNoneMatch: true }).then(() => undefined, (e: unknown) => e);
        expect(err).toMatchObject({ name: 'StoreConflictError', code: 'STORE_CONFLICT', retryable: false });
        expect((await readAll((await store.get(key)).body)).toString()).toBe('first');
      });

      it('when eight creators race on one key, then exactly one wins and its body is stored', async () => {
        const key = `${fresh()}/race`;
        const results = await Promise.allSettled(
          Array.from({ length: 8 }, (_, i) => store.put(key, `writer-${i}`, { ifNoneMatch: true, metadata: { writer: String(i) } })),
        );
        const winners = results.flatMap((r, i) => (r.status === 'fulfilled' ? [i] : []));
        const losers = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
        expect(winners).toHaveLength(1);
        expect(losers.map((r) => (r.reason as { code?: string }).code)).toEqual(Array(7).fill('STORE_CONFLICT'));
        const { body, info } = await store.get(key);
        expect((await readAll(body)).toString()).toBe(`writer-${winners[0]}`);
        expect(info.metadata).toEqual({ writer: String(winners[0]) });
      });

      it('when a create-only stream put meets an existing key, then it rejects with STORE_CONFLICT', async () => {
        const key = `${fresh()}/claim-stream`;
        await store.put(key, 'first');
        await expect(store.put(key, Readable.from([Buffer.from('second')]), { ifNoneMatch: true })).rejects.toMatchObject({ code: 'STORE_CONFLICT' });
        expect((await readAll((await store.get(key)).body)).toString()).toBe('first');
      });

      it('when an object was replaced after it was read, then a delete or copy bound to the old etag rejects with STORE_CONFLICT and leaves the new version', async () => {
        const key = `${fresh()}/upload`;
        const old = await store.put(key, 'version one');
        const current = await store.put(key, 'version two');
        expect(current.etag).not.toBe(old.etag);
        await expect(store.copy(key, `${key}-archive`, { ifMatch: old.etag })).rejects.toMatchObject({ code: 'STORE_CONFLICT' });
        expect(await store.head(`${key}-archive`)).toBeUndefined();
        await expect(store.delete(key, { ifMatch: old.etag })).rejects.toMatchObject({ code: 'STORE_CONFLICT' });
        expect((await readAll((await store.get(key)).body)).toString()).toBe('version two');
        expect((await store.head(key))?.etag).toBe(current.etag);
      });

      it('when the etag still matches, then the conditional copy and delete act, and a conditional delete of an absent key resolves', async () => {
        const key = `${fresh()}/upload`;
        const { etag } = await store.put(key, 'the one', { metadata: { channel: 'sftp' } });
        await store.copy(key, `${key}-archive`, { ifMatch: etag });
        await store.delete(key, { ifMatch: etag });
        expect(await store.head(key)).toBeUndefined();
        const { body, info } = await store.get(`${key}-archive`);
        expect((await readAll(body)).toString()).toBe('the one');
        expect(info.metadata).toEqual({ channel: 'sftp' });
        await expect(store.delete(key, { ifMatch: etag })).resolves.toBeUndefined();
      });
    }
  });
}

function byBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** A Readable of `total` deterministic pseudo-random bytes in fresh 64 KiB chunks, hashing what it hands out. */
function patternStream(total: number): { stream: Readable; produced: () => number; sha256: () => string } {
  const hash = createHash('sha256');
  let produced = 0;
  let state = 0x12345678;
  const stream = new Readable({
    read() {
      const size = Math.min(64 * 1024, total - produced);
      if (size <= 0) {
        this.push(null);
        return;
      }
      const chunk = Buffer.allocUnsafe(size);
      for (let i = 0; i < size; i += 4) {
        // xorshift32: cheap, deterministic, and full of CR, LF and NUL bytes
        state ^= state << 13;
        state ^= state >>> 17;
        state ^= state << 5;
        const word = state >>> 0;
        for (let b = 0; b < 4 && i + b < size; b += 1) chunk[i + b] = (word >>> (8 * b)) & 0xff;
      }
      produced += size;
      hash.update(chunk);
      this.push(chunk);
    },
  });
  return { stream, produced: () => produced, sha256: () => hash.digest('hex') };
}

/** The V8 collector, so memory samples count live buffers rather than garbage not yet collected. */
function exposeGc(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}
