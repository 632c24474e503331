/**
 * startS3Server replaces s3rver's object write with one that makes the object visible only
 * once it is complete (see s3rver.ts): no listing shows a half-written object, and the
 * replacement still stores what S3 would (bytes, size, md5 etag, user metadata) and lists
 * no temporary names. Conditional requests are checked by the store contract
 * (shared/store/test/integration) through the SDK.
 */
import { createHash } from 'node:crypto';
import { request } from 'node:http';
import { GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { startS3Server, type S3Server } from '@ediflow/testkit';

jest.setTimeout(60_000);

describe('startS3Server', () => {
  let server: S3Server;
  let client: S3Client;

  beforeAll(async () => {
    server = await startS3Server('testkit-atomic');
    client = new S3Client(server.settings);
  });

  afterAll(async () => {
    client?.destroy();
    await server?.close();
  });

  it('when objects are put, then each reads back with its bytes, size, md5 etag and metadata, and the listing holds only their keys', async () => {
    const bodies = [Buffer.from('ISA*00*'), Buffer.alloc(3 * 1024 * 1024 + 17, 0x41), Buffer.alloc(0)];
    await Promise.all(
      bodies.map((body, i) =>
        client.send(new PutObjectCommand({ Bucket: server.bucket, Key: `inbound/p/${i}.bin`, Body: body, ContentLength: body.length, Metadata: { 'user-agent-id': `u${i}@s-1` } })),
      ),
    );
    for (const [i, body] of bodies.entries()) {
      const head = await client.send(new HeadObjectCommand({ Bucket: server.bucket, Key: `inbound/p/${i}.bin` }));
      expect({ size: head.ContentLength, etag: head.ETag, meta: head.Metadata?.['user-agent-id'] }).toEqual({
        size: body.length,
        etag: JSON.stringify(createHash('md5').update(body).digest('hex')),
        meta: `u${i}@s-1`,
      });
      const got = await client.send(new GetObjectCommand({ Bucket: server.bucket, Key: `inbound/p/${i}.bin` }));
      expect(Buffer.from(await got.Body!.transformToByteArray()).equals(body)).toBe(true);
    }
    const listed = (await client.send(new ListObjectsV2Command({ Bucket: server.bucket, Prefix: 'inbound/' }))).Contents ?? [];
    expect(listed.map((o) => [o.Key, o.Size])).toEqual(bodies.map((b, i) => [`inbound/p/${i}.bin`, b.length]));
  });

  it('when a PUT has sent half of its body, then no listing shows the object; once it completed, the whole object is listed', async () => {
    // A raw HTTP PUT (s3rver takes unsigned requests), so the test decides when the second half is sent.
    const half = Buffer.alloc(64 * 1024, 0x41);
    const url = new URL(`${server.endpoint}/${server.bucket}/inbound/r/slow.bin`);
    const req = request({ method: 'PUT', host: url.hostname, port: url.port, path: url.pathname, headers: { 'content-length': String(half.length * 2) } });
    const status = new Promise<number>((resolve, reject) => {
      req.on('response', (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
    });
    req.write(half);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const during = (await client.send(new ListObjectsV2Command({ Bucket: server.bucket, Prefix: 'inbound/r/' }))).Contents ?? [];
    req.end(half);
    expect(await status).toBe(200);
    const after = (await client.send(new ListObjectsV2Command({ Bucket: server.bucket, Prefix: 'inbound/r/' }))).Contents ?? [];
    expect(during.map((o) => [o.Key, o.Size])).toEqual([]);
    expect(after.map((o) => [o.Key, o.Size])).toEqual([['inbound/r/slow.bin', half.length * 2]]);
  });

  it('when an object is put again under the same key, then the new bytes replace the old', async () => {
    await client.send(new PutObjectCommand({ Bucket: server.bucket, Key: 'inbound/q/again.txt', Body: Buffer.from('first version'), ContentLength: 13 }));
    await client.send(new PutObjectCommand({ Bucket: server.bucket, Key: 'inbound/q/again.txt', Body: Buffer.from('second'), ContentLength: 6 }));
    const got = await client.send(new GetObjectCommand({ Bucket: server.bucket, Key: 'inbound/q/again.txt' }));
    expect(await got.Body!.transformToString()).toBe('second');
  });
});
