import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { S3ObjectStore, createObjectStore, type S3ObjectStoreSettings } from '@ediflow/store';
import { startS3Server } from '@ediflow/testkit';
import { objectStoreContract } from '../contract/object-store-contract';

const MiB = 1024 * 1024;
const BUCKET = 'ediflow-test';
const CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

interface S3rverProcess {
  endpoint: string;
  stop: () => Promise<void>;
}

async function startS3rver(): Promise<S3rverProcess> {
  const server = await startS3Server(BUCKET);
  return { endpoint: server.endpoint, stop: () => server.close() };
}

function s3rverSettings(endpoint: string): S3ObjectStoreSettings {
  return { bucket: BUCKET, region: 'us-east-1', endpoint, forcePathStyle: true, credentials: CREDENTIALS };
}

// s3rver ignores conditional requests; @ediflow/testkit's server adds them as S3 answers them
// (If-None-Match: * on PutObject and CompleteMultipartUpload, If-Match on DeleteObject,
// x-amz-copy-source-if-match on CopyObject), so the conditional cases run here too, through
// the SDK's real requests. Real S3 honours all three in general purpose buckets.
objectStoreContract(
  'S3ObjectStore on s3rver',
  async () => {
    const server = await startS3rver();
    const store = createObjectStore({
      kind: 's3',
      ...s3rverSettings(server.endpoint),
      // Small pages force several ListObjectsV2 calls; the minimum part size forces multipart for 30 MiB.
      listPageSize: 2,
      partSizeBytes: 5 * MiB,
      queueSize: 1,
    }) as S3ObjectStore;
    return {
      store,
      close: async () => {
        store.destroy();
        await server.stop();
      },
    };
  },
  // lib-storage holds the part in flight, the part being cut, and the chunks it is cut from:
  // about partSize * (queueSize + 2) = 15 MiB here (measured 15.2 MiB); buffering the body would need 30+ MiB.
  { conditionalWrites: true, streamingMemoryLimitBytes: 32 * MiB },
);

describe('S3ObjectStore against s3rver', () => {
  let server: S3rverProcess;
  beforeAll(async () => {
    server = await startS3rver();
  });
  afterAll(async () => {
    await server.stop();
  });

  it('when the bucket does not exist, then isReady answers false and get rejects as not retryable STORE_FAILED', async () => {
    const store = new S3ObjectStore({ ...s3rverSettings(server.endpoint), bucket: 'no-such-bucket', maxAttempts: 1 });
    try {
      expect(await store.isReady()).toBe(false);
      await expect(store.get('a/b')).rejects.toMatchObject({ code: 'STORE_FAILED', retryable: false, details: { awsCode: 'NoSuchBucket' } });
    } finally {
      store.destroy();
    }
  });
});

interface Recorded {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

/** A scripted HTTP server that answers like S3 would, and records what the SDK sent. */
async function startScriptedS3(answer: (req: Recorded) => { status: number; headers?: Record<string, string>; body?: string }): Promise<{
  endpoint: string;
  requests: Recorded[];
  close: () => Promise<void>;
}> {
  const requests: Recorded[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const recorded = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) };
      requests.push(recorded);
      const out = answer(recorded);
      res.writeHead(out.status, { 'content-type': 'application/xml', ...out.headers });
      res.end(out.body ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function s3ErrorXml(code: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>scripted</Message><RequestId>r1</RequestId></Error>`;
}

describe('S3ObjectStore requests and answers (scripted S3 on loopback)', () => {
  const settings = (endpoint: string): S3ObjectStoreSettings => ({
    ...s3rverSettings(endpoint),
    sseKmsKeyId: 'alias/ediflow-test',
    maxAttempts: 1,
  });

  it('when a KMS key is configured, then put and copy ask for SSE-KMS with that key and copy keeps metadata', async () => {
    const s3 = await startScriptedS3(() => ({
      status: 200,
      headers: { etag: '"0123456789abcdef0123456789abcdef"' },
      body: '<?xml version="1.0" encoding="UTF-8"?><CopyObjectResult><ETag>"0123456789abcdef0123456789abcdef"</ETag></CopyObjectResult>',
    }));
    const store = new S3ObjectStore(settings(s3.endpoint));
    try {
      const { etag } = await store.put('work/f1/source.x12', 'ISA~', { metadata: { FileId: 'f1' }, ifNoneMatch: true });
      await store.copy('work/f1/source.x12', 'archive/f 1/source.x12');
      await store.copy('in/a b+c.x12', 'archive/x');
      expect(etag).toBe('0123456789abcdef0123456789abcdef');
      const [put, copy, copyEncoded] = s3.requests;
      expect(put.method).toBe('PUT');
      expect(put.url.split('?')[0]).toBe(`/${BUCKET}/work/f1/source.x12`);
      expect(copy.method).toBe('PUT');
      expect(copy.url.split('?')[0]).toBe(`/${BUCKET}/archive/f%201/source.x12`);
      expect(put.headers).toMatchObject({
        'x-amz-server-side-encryption': 'aws:kms',
        'x-amz-server-side-encryption-aws-kms-key-id': 'alias/ediflow-test',
        'if-none-match': '*',
        'x-amz-meta-fileid': 'f1',
      });
      expect(put.body.toString()).toBe('ISA~');
      expect(copy.headers).toMatchObject({
        'x-amz-copy-source': `${BUCKET}/work/f1/source.x12`,
        'x-amz-metadata-directive': 'COPY',
        'x-amz-server-side-encryption': 'aws:kms',
        'x-amz-server-side-encryption-aws-kms-key-id': 'alias/ediflow-test',
      });
      expect(copyEncoded.headers['x-amz-copy-source']).toBe(`${BUCKET}/in/a%20b%2Bc.x12`);
    } finally {
      store.destroy();
      await s3.close();
    }
  });

  it('when a delete or copy is bound to an etag, then S3 gets If-Match / x-amz-copy-source-if-match, and 412 rejects with STORE_CONFLICT', async () => {
    let answer = { status: 204, body: '' };
    const s3 = await startScriptedS3(() => answer);
    const store = new S3ObjectStore(settings(s3.endpoint));
    try {
      await store.delete('inbound/acme/f.pgp', { ifMatch: '0123456789abcdef0123456789abcdef' });
      answer = { status: 200, body: '<?xml version="1.0" encoding="UTF-8"?><CopyObjectResult><ETag>"0123456789abcdef0123456789abcdef"</ETag></CopyObjectResult>' };
      await store.copy('inbound/acme/f.pgp', 'archive/f1/original', { ifMatch: '0123456789abcdef0123456789abcdef' });
      await store.delete('inbound/acme/g.pgp');
      const [del, copy, plain] = s3.requests;
      expect(del.method).toBe('DELETE');
      expect(del.headers['if-match']).toBe('"0123456789abcdef0123456789abcdef"');
      expect(copy.headers['x-amz-copy-source-if-match']).toBe('"0123456789abcdef0123456789abcdef"');
      expect(plain.headers['if-match']).toBeUndefined();
      answer = { status: 412, body: s3ErrorXml('PreconditionFailed') };
      await expect(store.delete('inbound/acme/f.pgp', { ifMatch: 'ffff' })).rejects.toMatchObject({ code: 'STORE_CONFLICT' });
      await expect(store.copy('inbound/acme/f.pgp', 'archive/f1/original', { ifMatch: 'ffff' })).rejects.toMatchObject({ code: 'STORE_CONFLICT' });
    } finally {
      store.destroy();
      await s3.close();
    }
  });

  it.each([
    [412, 'PreconditionFailed', 'STORE_CONFLICT', false],
    [409, 'ConditionalRequestConflict', 'STORE_CONFLICT', false],
    [503, 'SlowDown', 'STORE_UNAVAILABLE', true],
    [500, 'InternalError', 'STORE_UNAVAILABLE', true],
    [403, 'AccessDenied', 'STORE_FAILED', false],
  ])('when S3 answers a put with %d %s, then put rejects with %s (retryable %s) and the SDK error as cause', async (status, awsCode, code, retryable) => {
    const s3 = await startScriptedS3(() => ({ status, body: s3ErrorXml(awsCode) }));
    const store = new S3ObjectStore(settings(s3.endpoint));
    try {
      const err = await store.put('claims/c1', 'x', { ifNoneMatch: true }).then(() => undefined, (e: unknown) => e);
      expect(err).toMatchObject({ code, retryable });
      expect((err as Error).cause).toMatchObject({ name: awsCode });
      expect((err as Error).message).not.toContain('x-amz');
    } finally {
      store.destroy();
      await s3.close();
    }
  });

  it('when nothing listens on the endpoint, then calls reject as retryable STORE_UNAVAILABLE and isReady answers false', async () => {
    const s3 = await startScriptedS3(() => ({ status: 200 }));
    const endpoint = s3.endpoint;
    await s3.close();
    const store = new S3ObjectStore(settings(endpoint));
    try {
      expect(await store.isReady()).toBe(false);
      await expect(store.put('a/b', 'x')).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE', retryable: true });
      await expect(store.head('a/b')).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE', retryable: true });
    } finally {
      store.destroy();
    }
  });
});
