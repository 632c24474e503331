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
 * s3rver ignores conditional writes (If-None-Match): create-only puts are not honoured.
 */
export async function startS3Server(bucket = 'ediflow-test'): Promise<S3Server> {
  const directory = await mkdtemp(path.join(os.tmpdir(), 'ediflow-s3rver-'));
  const script = `
    const S3rver = require(process.env.S3RVER_MODULE);
    const server = new S3rver({ address: '127.0.0.1', port: 0, directory: process.env.S3RVER_DIR, silent: true,
      configureBuckets: [{ name: process.env.S3RVER_BUCKET }] });
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
