/**
 * startS3Server replaces s3rver's object write with one that makes the object visible only
 * once it is complete (see s3rver.ts). These tests check that the replacement still stores
 * what S3 would: bytes, size, md5 etag and user metadata, and lists no temporary names.
 */
import { createHash } from 'node:crypto';
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

  it('when an object is put again under the same key, then the new bytes replace the old', async () => {
    await client.send(new PutObjectCommand({ Bucket: server.bucket, Key: 'inbound/q/again.txt', Body: Buffer.from('first version'), ContentLength: 13 }));
    await client.send(new PutObjectCommand({ Bucket: server.bucket, Key: 'inbound/q/again.txt', Body: Buffer.from('second'), ContentLength: 6 }));
    const got = await client.send(new GetObjectCommand({ Bucket: server.bucket, Key: 'inbound/q/again.txt' }));
    expect(await got.Body!.transformToString()).toBe('second');
  });
});
