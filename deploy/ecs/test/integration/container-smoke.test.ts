/**
 * The image's runtime stage reproduced on this machine (no Docker engine here): the build
 * context as Docker sees it (.dockerignore, through CDK's own copier), the services' compiled
 * dist/ standing in for the build stage (`npm test` has just run `tsc -b`), the prod stage's
 * RUN lines run as written (npm offline, from the cache `npm install` filled), the runtime
 * stage's COPY, ENV, USER, ENTRYPOINT and CMD taken from the Dockerfile. The tree is then made
 * read-only and each service runs from it as uid 1000 (the image's `node` user) against a local
 * ActiveMQ and an S3-protocol store (tracking also against a database of its own in the test
 * PostgreSQL cluster, its migrations run from the tree): /healthz answers 200, /readyz follows,
 * and SIGTERM exits 0 within the 25 s drain bound.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { chmodSync, copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { FileSystem, IgnoreMode } from 'aws-cdk-lib';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { generateKeyPair } from '@ediflow/pgp';
import { createTestDatabase, startS3Server, type S3Server, type TestDatabase } from '@ediflow/testkit';
import { DRAIN_BOUND_SECONDS } from '../../src/sizing';
import { RDS_CA_FILE } from '../../src/tracking-database-stack';
import { REPO_ROOT, dockerfileStages, dockerignorePatterns, type Stage } from '../image';

const NODE_UID = 1000; // the `node` user of the official Node images
const USERS: Record<string, number> = { node: NODE_UID };
/** As root (CI, these machines) the services run as the image's uid; a developer who is not root runs them as themselves, also not root. */
const asImageUser = (uid: number): { uid?: number; gid?: number } => (process.getuid?.() === 0 ? { uid, gid: uid } : {});

const stages = dockerfileStages();
const prodStage = stages.find((s) => s.steps.some((x) => x.keyword === 'RUN' && x.args.includes('--omit=dev')))!;
const runtime = stages.at(-1)!;
/** A stage's working directory, inherited from the stage it starts from. */
function workdir(stage: Stage): string {
  const own = stage.steps.filter((s) => s.keyword === 'WORKDIR').at(-1)?.args;
  const parent = stages.find((s) => s.name === stage.image);
  return own ?? (parent ? workdir(parent) : '/');
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** Read-only for everyone but root, which owns it; the service's uid can read and run, never write. */
function makeReadOnly(dir: string): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isSymbolicLink()) continue;
    if (entry.isDirectory()) makeReadOnly(p);
    else chmodSync(p, statSync(p).mode & 0o555);
  }
  chmodSync(dir, 0o555);
}

async function get(url: string): Promise<number> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
    await res.arrayBuffer();
    return res.status;
  } catch {
    return 0;
  }
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('container smoke test (the runtime stage on this machine)', () => {
  let tmp: string;
  let app: string;
  let nodeBin: string;
  let s3: S3Server;
  let keyFile: string;
  let trackingDatabase: TestDatabase | undefined;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'ediflow-image-'));
    chmodSync(tmp, 0o755);
    // Build context, as `docker build` and `cdk synth` send it.
    const src = path.join(tmp, 'src');
    FileSystem.copyDirectory(REPO_ROOT, src, { ignoreMode: IgnoreMode.DOCKER, exclude: dockerignorePatterns() });
    // Build stage: the compiled output of the packages the image holds.
    for (const group of ['shared', 'services']) {
      for (const name of readdirSync(path.join(src, group))) {
        const dist = path.join(REPO_ROOT, group, name, 'dist');
        if (existsSync(dist)) cpSync(dist, path.join(src, group, name, 'dist'), { recursive: true, filter: (f) => !f.endsWith('.tsbuildinfo') });
      }
    }
    // Prod stage: its RUN lines as written, with npm kept off the network.
    for (const step of prodStage.steps.filter((s) => s.keyword === 'RUN')) {
      const r = spawnSync('sh', ['-c', step.args], {
        cwd: src,
        env: { ...process.env, npm_config_offline: 'true', npm_config_update_notifier: 'false', npm_config_loglevel: 'error' },
        encoding: 'utf8',
        timeout: 180_000,
      });
      if (r.status !== 0) throw new Error(`prod stage RUN failed (${String(r.status)}): ${r.stderr.slice(-2000)}`);
    }
    // Runtime stage: its COPY lines from the prod stage into the app folder.
    app = path.join(tmp, 'app');
    mkdirSync(app);
    const prodRoot = workdir(prodStage);
    for (const step of runtime.steps.filter((s) => s.keyword === 'COPY')) {
      expect(step.flags.from).toBe(prodStage.name);
      const [from, to] = step.args.split(/\s+/);
      cpSync(path.join(src, path.relative(prodRoot, from)), path.join(app, to), { recursive: true, verbatimSymlinks: true });
    }
    // The image's node: a copy beside the tree (this process's node may sit under root's home).
    nodeBin = path.join(tmp, 'node');
    copyFileSync(process.execPath, nodeBin);
    chmodSync(nodeBin, 0o755);
    makeReadOnly(app);

    s3 = await startS3Server('ediflow-smoke');
    const client = new S3Client({ region: s3.settings.region, endpoint: s3.endpoint, forcePathStyle: true, credentials: s3.settings.credentials });
    await client.send(new PutObjectCommand({ Bucket: s3.bucket, Key: 'config/partners.json', Body: JSON.stringify({ version: 1, partners: [] }) }));
    client.destroy();
    const keys = await generateKeyPair({ userId: { name: 'ediflow smoke', email: 'smoke@ediflow.invalid' } });
    keyFile = path.join(tmp, 'platform.key.asc');
    writeFileSync(keyFile, keys.privateKeyArmored, { mode: 0o644 });
    trackingDatabase = await createTestDatabase('smoke_tracking');
  }, 240_000);

  afterAll(async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await s3?.close();
    await trackingDatabase?.drop();
    if (tmp) {
      spawnSync('chmod', ['-R', 'u+w', tmp]);
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('when the tree is assembled, then it holds production dependencies only and the service user cannot write to it', () => {
    const modules = readdirSync(path.join(app, 'node_modules'));
    expect(modules).toEqual(expect.arrayContaining(['zod', 'stompit', 'openpgp', '@aws-sdk']));
    for (const dev of ['typescript', 'jest', 'ts-jest', 'eslint', 'aws-cdk-lib', 'aws-cdk', 's3rver', 'dockerfile-utils']) expect(modules).not.toContain(dev);
    expect(existsSync(path.join(app, 'tools'))).toBe(false);
    const write = spawnSync(nodeBin, ['-e', `require('fs').writeFileSync(${JSON.stringify(path.join(app, 'probe'))}, 'x')`], { ...asImageUser(NODE_UID), encoding: 'utf8' });
    expect(write.status).not.toBe(0);
    expect(write.stderr).toContain('EACCES');
  });

  it('when the tree is assembled, then tracking\'s migrations are compiled in and the RDS CA bundle the task names is there', () => {
    expect(readdirSync(path.join(app, 'services', 'tracking', 'dist', 'migrations')).filter((f) => f.endsWith('.js')).length).toBeGreaterThan(0);
    for (const dep of ['pg', 'kysely', '@electric-sql', '@aws-sdk']) expect(readdirSync(path.join(app, 'node_modules'))).toContain(dep);
    const bundle = readFileSync(path.join(app, path.relative(workdir(runtime), RDS_CA_FILE)), 'utf8');
    const pems = bundle.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
    expect(pems.length).toBeGreaterThan(50);
    const subjects = pems.map((pem) => new X509Certificate(pem).subject);
    expect(subjects.every((s) => s.includes('OU=Amazon RDS'))).toBe(true);
    expect(subjects.some((s) => s.includes('CN=Amazon RDS us-east-1 Root CA RSA2048 G1'))).toBe(true);
  });

  const env = (stage: Stage): Record<string, string> => {
    const out: Record<string, string> = {};
    for (const step of stage.steps.filter((s) => s.keyword === 'ENV')) for (const pair of step.args.split(/\s+/)) out[pair.split('=')[0]] = pair.slice(pair.indexOf('=') + 1);
    return out;
  };

  it.each(['ingest', 'translator', 'notifier', 'bridge', 'tracking', 'console'])(
    'when %s starts from the tree as the image user, then /healthz answers 200 (the console also its assets) and SIGTERM exits 0 within the drain bound',
    async (service) => {
      const user = runtime.steps.filter((s) => s.keyword === 'USER').at(-1)!.args;
      const uid = USERS[user] ?? Number(user);
      expect(uid).toBeGreaterThan(0);
      const entrypoint = runtime.steps.find((s) => s.keyword === 'ENTRYPOINT')!.exec!;
      const cmd = runtime.steps.find((s) => s.keyword === 'CMD')!.exec!;
      expect(entrypoint[0]).toBe('node');
      expect(cmd[0]).toBe('services/ingest/dist/main.js');
      const port = await freePort();
      const brokerA = process.env.ACTIVEMQ_A_URL!;
      const brokerB = process.env.ACTIVEMQ_B_URL!;
      const routes = {
        endpoints: { a: { urls: [brokerA] }, b: { urls: [brokerB] } },
        routes: [{ name: 'smoke', from: { endpoint: 'a', destination: '/queue/smoke.in' }, to: { endpoint: 'b', destination: '/queue/smoke.out' } }],
      };
      const child = spawn(nodeBin, [...entrypoint.slice(1), `services/${service}/dist/main.js`], {
        cwd: app, // the runtime stage's WORKDIR
        ...asImageUser(uid),
        stdio: ['ignore', 'pipe', 'pipe'],
        env: {
          PATH: '/usr/local/bin:/usr/bin:/bin',
          HOME: '/nonexistent',
          ...env(runtime),
          // Loopback only in tests (the image listens on 0.0.0.0).
          HTTP_HOST: '127.0.0.1',
          HTTP_PORT: String(port),
          LOG_LEVEL: 'info',
          BROKER_URL: brokerA,
          STORE_KIND: 's3',
          S3_BUCKET: s3.bucket,
          S3_REGION: s3.settings.region,
          S3_ENDPOINT: s3.endpoint,
          S3_FORCE_PATH_STYLE: 'true',
          AWS_ACCESS_KEY_ID: s3.settings.credentials.accessKeyId,
          AWS_SECRET_ACCESS_KEY: s3.settings.credentials.secretAccessKey,
          PARTNERS_OBJECT_KEY: 'config/partners.json',
          PGP_PRIVATE_KEY_FILE: keyFile,
          BRIDGE_ROUTES: JSON.stringify(routes),
          // The loopback test cluster has no TLS; in AWS the task verifies RDS against RDS_CA_FILE.
          TRACKING_DATABASE_URL: trackingDatabase!.url,
          TRACKING_DATABASE_SSL: 'disable',
          TRACKING_API_TOKEN: 'smoke-token-'.padEnd(40, 'x'),
          // The console reads tracking and the notifier over HTTP (neither runs here: its pages
          // would show them unreachable) and the broker's statistics over STOMP.
          CONSOLE_TRACKING_URL: 'http://127.0.0.1:9/',
          CONSOLE_TRACKING_TOKEN: 'smoke-token-'.padEnd(40, 'x'),
          CONSOLE_NOTIFIER_URL: 'http://127.0.0.1:9/',
          CONSOLE_NOTIFIER_TOKEN: 'smoke-token-'.padEnd(40, 'y'),
          CONSOLE_SESSION_SECRET: 'smoke-session-'.padEnd(40, 'z'),
          CONSOLE_BROKERS: `a=${brokerA}`,
        },
      });
      children.push(child);
      let output = '';
      child.stdout!.on('data', (c: Buffer) => (output = (output + c.toString()).slice(-20_000)));
      child.stderr!.on('data', (c: Buffer) => (output = (output + c.toString()).slice(-20_000)));
      const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
      try {
        await until(`${service} /healthz`, async () => (await get(`http://127.0.0.1:${port}/healthz`)) === 200, 30_000);
        await until(`${service} /readyz`, async () => (await get(`http://127.0.0.1:${port}/readyz`)) === 200, 30_000);
        // The console's stylesheet and script are served from services/console/assets in the tree.
        const assets = service === 'console' ? ['console.js', 'console.css'] : [];
        for (const asset of assets) expect({ asset, status: await get(`http://127.0.0.1:${port}/assets/${asset}`) }).toEqual({ asset, status: 200 });
      } catch (err) {
        throw new Error(`${(err as Error).message}; exit ${String(child.exitCode)}; output:\n${output}`);
      }
      const started = Date.now();
      child.kill('SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      const result = await Promise.race([exited, new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), (DRAIN_BOUND_SECONDS + 5) * 1000)))]);
      clearTimeout(timer);
      const seconds = (Date.now() - started) / 1000;
      expect({ result, output: result === 'timeout' || result.code !== 0 ? output : '' }).toEqual({ result: { code: 0, signal: null }, output: '' });
      expect(seconds).toBeLessThanOrEqual(DRAIN_BOUND_SECONDS);
      // The service wrote nothing into its tree.
      expect(readdirSync(app).sort()).toEqual(['node_modules', 'package.json', 'services', 'shared']);
    },
    90_000,
  );
});
