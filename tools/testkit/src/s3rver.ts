import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';

export interface S3Server {
  endpoint: string;
  bucket: string;
  /** Settings for S3ObjectStore / createObjectStore({ kind: 's3', ... }). */
  settings: { bucket: string; region: string; endpoint: string; forcePathStyle: true; credentials: { accessKeyId: string; secretAccessKey: string } };
  close(): Promise<void>;
}

/**
 * Runs s3rver 3.7 in a child process on a free loopback port with a fresh directory and
 * one bucket. A child, because s3rver encrypts list continuation tokens with single DES,
 * which OpenSSL 3 offers only with --openssl-legacy-provider (without it every paginated
 * list answers 500); it also keeps s3rver's buffers out of memory measured by tests.
 * s3rver ignores conditional requests; the child adds them (CONDITIONS below): create-only
 * puts, and deletes and copies bound to an etag, answer 412 as S3 does.
 *
 * s3rver creates a new object's file first and writes its bytes afterwards, so a listing
 * that falls in between sees the key with 0 bytes (or part of them) and an etag of those.
 * Real S3 shows an object only once its PUT completed, and the ingest poller relies on that:
 * on a loaded machine the pipeline test's poller once listed an upload in that window and
 * quarantined it as empty. The child therefore writes each object under a temporary name no
 * listing matches, writes its md5 and metadata, then renames it into place.
 */
/** Replaces the store's putObject (runs inside the child, where server is the S3rver). */
const ATOMIC_PUT = `
    const fs = require('node:fs');
    const path = require('node:path');
    const crypto = require('node:crypto');
    const { Readable, Transform } = require('node:stream');
    const { pipeline } = require('node:stream/promises');
    server.store.putObject = async function (object) {
      const objectPath = this.getResourcePath(object.bucket, object.key, 'object');
      await fs.promises.mkdir(path.dirname(objectPath), { recursive: true });
      const temp = objectPath + '.partial-' + crypto.randomBytes(6).toString('hex');
      const md5 = crypto.createHash('md5');
      let size = 0;
      const count = new Transform({ transform(chunk, _enc, done) { md5.update(chunk); size += chunk.length; done(null, chunk); } });
      const source = Buffer.isBuffer(object.content) ? Readable.from([object.content]) : object.content;
      await pipeline(source, count, fs.createWriteStream(temp));
      const digest = md5.digest('hex');
      await this.putMetadata(object.bucket, object.key, object.metadata, digest);
      await fs.promises.rename(temp, objectPath);
      return { size, md5: digest };
    };`;

/**
 * Conditional requests as S3 answers them (runs inside the child, before s3rver's router):
 * PutObject and CompleteMultipartUpload with `If-None-Match: *` fail with 412 when the key
 * exists; DeleteObject with `If-Match` and CopyObject with `x-amz-copy-source-if-match` fail
 * with 412 when the etag differs. Requests with a condition on the same key run one at a
 * time (check, then the write), so of racing creators exactly one wins, as in S3.
 */
const CONDITIONS = `
    const locks = new Map();
    const serial = async (key, fn) => {
      const before = locks.get(key) || Promise.resolve();
      let release;
      const mine = before.then(() => new Promise((r) => { release = r; }));
      locks.set(key, mine);
      await before;
      try { return await fn(); } finally { release(); if (locks.get(key) === mine) locks.delete(key); }
    };
    const unquote = (v) => String(v).replace(/^(W\\/)?"(.*)"$/, '$2');
    const etagOf = async (bucket, key) => {
      try { return unquote((await server.store.getMetadata(bucket, key)).etag); } catch { return undefined; }
    };
    const refuse = (ctx, condition) => {
      ctx.status = 412;
      ctx.type = 'application/xml';
      ctx.body = '<?xml version="1.0" encoding="UTF-8"?><Error><Code>PreconditionFailed</Code>'
        + '<Message>At least one of the pre-conditions you specified did not hold</Message><Condition>' + condition + '</Condition></Error>';
    };
    const pathOf = (p) => {
      const m = /^\\/([^/]+)\\/(.+)$/.exec(p);
      return m ? { bucket: decodeURIComponent(m[1]), key: m[2].split('/').map(decodeURIComponent).join('/') } : undefined;
    };
    server.middleware.splice(server.middleware.length - 1, 0, async (ctx, next) => {
      const target = pathOf(ctx.path);
      const noneMatch = ctx.get('if-none-match');
      const match = ctx.get('if-match');
      const copyMatch = ctx.get('x-amz-copy-source-if-match');
      if (!target || !['PUT', 'POST', 'DELETE'].includes(ctx.method) || (!noneMatch && !match && !copyMatch)) return next();
      return serial(target.bucket + '/' + target.key, async () => {
        if (ctx.method === 'DELETE' && match) {
          const etag = await etagOf(target.bucket, target.key);
          if (etag !== undefined && etag !== unquote(match)) return refuse(ctx, 'If-Match');
        }
        if (ctx.method !== 'DELETE' && noneMatch === '*' && (await etagOf(target.bucket, target.key)) !== undefined) return refuse(ctx, 'If-None-Match');
        if (ctx.method === 'PUT' && copyMatch) {
          const from = pathOf('/' + decodeURI(ctx.get('x-amz-copy-source')).replace(/^\\//, ''));
          if (from && (await etagOf(from.bucket, from.key)) !== unquote(copyMatch)) return refuse(ctx, 'x-amz-copy-source-If-Match');
        }
        return next();
      });
    });`;

export async function startS3Server(bucket = 'ediflow-test'): Promise<S3Server> {
  const directory = await mkdtemp(path.join(os.tmpdir(), 'ediflow-s3rver-'));
  const script = `
    const S3rver = require(process.env.S3RVER_MODULE);
    const server = new S3rver({ address: '127.0.0.1', port: 0, directory: process.env.S3RVER_DIR, silent: true,
      configureBuckets: [{ name: process.env.S3RVER_BUCKET }] });
    ${ATOMIC_PUT}
    ${CONDITIONS}
    server.run().then((address) => console.log(JSON.stringify({ port: address.port })));
    process.on('SIGTERM', () => server.close().then(() => process.exit(0)));`;
  const child = spawn(process.execPath, ['--openssl-legacy-provider', '-e', script], {
    env: { ...process.env, S3RVER_MODULE: require.resolve('s3rver'), S3RVER_DIR: directory, S3RVER_BUCKET: bucket },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('s3rver did not start within 20 s')), 20_000);
    child.once('exit', (code) => reject(new Error(`s3rver exited early with ${code}`)));
    createInterface({ input: child.stdout }).once('line', (line) => {
      clearTimeout(timer);
      resolve((JSON.parse(line) as { port: number }).port);
    });
  });
  const endpoint = `http://127.0.0.1:${port}`;
  return {
    endpoint,
    bucket,
    settings: { bucket, region: 'us-east-1', endpoint, forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } },
    async close() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      await rm(directory, { recursive: true, force: true });
    },
  };
}
