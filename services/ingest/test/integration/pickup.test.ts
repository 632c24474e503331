/**
 * Pickup from inbound/<partnerId>/ by polling replicas.
 *
 * The claim protocol relies on create-only puts (S3 `If-None-Match: *`). Real S3 honours
 * them, the embedded store honours them atomically, and @ediflow/testkit's S3-protocol
 * server adds them to s3rver (which ignores them), so the 3-replica test runs on both: on
 * the S3 server through the real @aws-sdk/client-s3 requests.
 */
import { Registry } from 'prom-client';
import { createObjectStore } from '@ediflow/store';
import { fileIdFor } from '@ediflow/messages';
import { startS3Server, type S3Server } from '@ediflow/testkit';
import { waitFor } from '@ediflow/testkit';
import { harness, makeParties, seal, x12, registryInput, type Harness, type Parties } from '../helpers';

jest.setTimeout(180_000);

let p: Parties;
beforeAll(async () => {
  p = await makeParties();
});

/**
 * `count` files land while 3 replicas poll: each is published exactly once, every upload is
 * archived and nothing is left in inbound/, every claim ends done, and more than one replica won claims.
 */
async function threeReplicas(h: Harness, bucket: string, count: number): Promise<void> {
  const replicas = ['r1', 'r2', 'r3'].map((owner) => h.service({ owner, bucket, registry: new Registry(), pollIntervalMs: 50, concurrency: 4 }));
  await Promise.all(replicas.map((r) => r.start()));
  const ids = new Set<string>();
  // Half signed PGP, half plaintext (the partner allows it), landing while the replicas run.
  // Distinct bytes per file, so each has its own etag and file id.
  for (let i = 0; i < count; i++) {
    const key = `inbound/acme/batch-${String(i).padStart(3, '0')}.x12`;
    const plain = Buffer.concat([x12(), Buffer.from(`\r\n${i}`)]);
    const { etag } = await h.store.put(key, i % 2 === 0 ? plain : await seal(plain, p.platform, p.partner));
    ids.add(fileIdFor(bucket, key, etag));
  }
  expect(ids.size).toBe(count);
  await waitFor(`${count} FileReceived`, async () => (h.received.length >= count ? true : undefined), 150_000);
  await new Promise((r) => setTimeout(r, 500));
  await Promise.all(replicas.map((r) => r.stop()));
  await h.settle();

  expect(h.received).toHaveLength(count);
  expect(new Set(h.received.map((m) => m.id))).toEqual(ids);
  for await (const o of h.store.list('inbound/')) throw new Error(`left in inbound: ${o.key}`);
  let archived = 0;
  for await (const o of h.store.list('archive/')) if (o.key.endsWith('/original')) archived += 1;
  expect(archived).toBe(count);
  // Work was spread: more than one replica won claims.
  const owners = new Set<string>();
  for await (const o of h.store.list('claims/')) {
    const { body } = await h.store.get(o.key);
    const chunks: Buffer[] = [];
    for await (const c of body) chunks.push(Buffer.from(c as Uint8Array));
    const lease = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { owner: string; state: string };
    expect(lease.state).toBe('done');
    owners.add(lease.owner);
  }
  expect(owners.size).toBeGreaterThan(1);
}

describe('pickup with several replicas (embedded store)', () => {
  let h: Harness;
  afterEach(() => h.close());

  it('when 300 files land while 3 replicas poll, then each file is published exactly once and every upload is archived', async () => {
    h = await harness(p, registryInput(p, { allowPlaintext: true, requireSignature: false }));
    await threeReplicas(h, h.bucket, 300);
  });

  it('when a file lands in inbound/<partner>/, then FileReceived is published within 2 s', async () => {
    h = await harness(p, registryInput(p));
    const service = h.service({ pollIntervalMs: 1000 });
    await service.start();
    await new Promise((r) => setTimeout(r, 300));
    const landed = Date.now();
    await h.store.put('inbound/acme/one.pgp', await seal(x12(), p.platform, p.partner));
    await waitFor('FileReceived', async () => (h.received.length > 0 ? true : undefined), 5000);
    expect(Date.now() - landed).toBeLessThan(2000);
  });
});

describe('pickup on an S3-protocol server (s3rver with the conditions S3 honours)', () => {
  let s3: S3Server;
  let h: Harness;
  beforeAll(async () => {
    s3 = await startS3Server('ingest-pickup');
  });
  afterAll(async () => {
    await s3?.close();
  });
  afterEach(async () => {
    await h?.close();
  });

  it('when 120 files land while 3 replicas poll, then each file is published exactly once and every upload is archived', async () => {
    const store = createObjectStore({ kind: 's3', ...s3.settings, requestChecksumCalculation: 'WHEN_REQUIRED' });
    h = await harness(p, registryInput(p, { allowPlaintext: true, requireSignature: false }), { store });
    await threeReplicas(h, s3.bucket, 120);
  });

  it('when 10 files land in S3 with Transfer Family metadata, then each is published once with channel sftp, archived, and removed from inbound', async () => {
    const store = createObjectStore({ kind: 's3', ...s3.settings, requestChecksumCalculation: 'WHEN_REQUIRED' });
    h = await harness(p, registryInput(p), { store });
    const service = h.service({ bucket: s3.bucket, pollIntervalMs: 200 });
    const ids = new Set<string>();
    for (let i = 0; i < 10; i++) {
      const key = `inbound/acme/s3-${i}.pgp`;
      const { etag } = await store.put(key, await seal(Buffer.concat([x12(), Buffer.from(`\n${i}`)]), p.platform, p.partner), {
        metadata: { 'user-agent-id': 'acme_sftp@s-0123456789abcdef0' },
      });
      ids.add(fileIdFor(s3.bucket, key, etag));
    }
    await service.start();
    await waitFor('10 FileReceived', async () => (h.received.length >= 10 ? true : undefined), 60_000);
    await service.stop();
    await h.settle();
    expect(new Set(h.received.map((m) => m.id))).toEqual(ids);
    expect(h.received).toHaveLength(10);
    expect(h.received.every((m) => (m.body as { channel: string }).channel === 'sftp')).toBe(true);
    for (const id of ids) expect(await store.head(`archive/${id}/original`)).toBeDefined();
    for await (const o of store.list('inbound/')) throw new Error(`left in inbound: ${o.key}`);
  });
});
