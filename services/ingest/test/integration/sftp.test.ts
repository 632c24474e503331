/**
 * The embedded SFTP server with the real OpenSSH client (/usr/bin/sftp) on loopback:
 * an upload reaches FileReceived with Transfer Family's metadata, downloads come from
 * outbound/<partner>/, and password logins and other partners' folders are refused.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { connect } from 'node:net';
import { Client } from 'ssh2';
import { createLogger, memoryDestination } from '@ediflow/logger';
import { parseRegistry, staticRegistry } from '@ediflow/partners';
import { fileIdFor } from '@ediflow/messages';
import { EmbeddedObjectStore } from '@ediflow/store';
import { generateSshKeyPair, startSftpServer, type SftpServer } from '@ediflow/ingest';
import { waitFor } from '@ediflow/testkit';
import { harness, makeParties, seal, x12, type Harness, type Parties } from '../helpers';

jest.setTimeout(60_000);

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function sftp(port: number, keyFile: string, user: string, batch: string): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      '/usr/bin/sftp',
      [
        '-F', '/dev/null',
        '-o', 'StrictHostKeyChecking=no',
        '-o', 'UserKnownHostsFile=/dev/null',
        '-o', 'IdentitiesOnly=yes',
        '-o', 'BatchMode=yes',
        '-o', 'LogLevel=ERROR',
        '-i', keyFile,
        '-b', batch,
        '-P', String(port),
        `${user}@127.0.0.1`,
      ],
      { timeout: 30_000 },
      (err, stdout, stderr) => resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('embedded SFTP server with the OpenSSH client', () => {
  let p: Parties;
  let h: Harness;
  let server: SftpServer;
  let dir: string;
  let acmeKey: string;
  let betaKey: string;
  const logs = memoryDestination();

  beforeAll(async () => {
    p = await makeParties();
    dir = await mkdtemp(path.join(os.tmpdir(), 'sftp-test-'));
    const acme = generateSshKeyPair('acme');
    const beta = generateSshKeyPair('beta');
    acmeKey = path.join(dir, 'acme_ed25519');
    betaKey = path.join(dir, 'beta_ed25519');
    await writeFile(acmeKey, acme.privateKey, { mode: 0o600 });
    await writeFile(betaKey, beta.privateKey, { mode: 0o600 });
    const doc = {
      version: 1 as const,
      partners: [
        { id: 'acme', name: 'Acme', isaSenders: [{ qualifier: 'ZZ', id: 'ACME' }], pgpPublicKeys: [p.partner.publicArmored], sftpUsers: [{ userName: 'acme_sftp', sshPublicKeys: [acme.publicKey] }] },
        { id: 'beta', name: 'Beta', isaSenders: [{ qualifier: 'ZZ', id: 'BETA' }], pgpPublicKeys: [p.stranger.publicArmored], sftpUsers: [{ userName: 'beta_sftp', sshPublicKeys: [beta.publicKey] }] },
      ],
    };
    h = await harness(p, doc);
    const service = h.service({ pollIntervalMs: 60_000 });
    await service.start();
    server = await startSftpServer({
      store: h.store,
      partners: staticRegistry(parseRegistry(doc)),
      logger: createLogger({ service: 'sftp-test', destination: logs }),
      hostKeys: [generateSshKeyPair('host').privateKey],
      port: 0,
      serverId: 's-0123456789abcdef0',
      onUpload: () => service.trigger(),
    });
  });

  afterAll(async () => {
    await server?.close();
    await h?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('when a partner uploads with sftp, then the file is stored with Transfer Family metadata and reaches FileReceived', async () => {
    const local = path.join(dir, 'CLAIMS JOHN DOE.pgp');
    const cipher = await seal(x12(), p.platform, p.partner);
    await writeFile(local, cipher);
    const batch = path.join(dir, 'put.batch');
    await writeFile(batch, `put "${local}" /inbound/claims-2024.pgp\nls /inbound\n`);
    const run = await sftp(server.port, acmeKey, 'acme_sftp', batch);
    expect(run).toMatchObject({ code: 0 });

    // The poller interval is a minute: only the server's upload trigger can make this quick.
    const message = await waitFor('FileReceived', async () => h.received[0], 10_000);
    const archived = await waitFor('archived original', async () => h.store.head(`archive/${message.fileId}/original`));
    const fileId = fileIdFor(h.bucket, 'inbound/acme/claims-2024.pgp', archived.etag);
    expect(message).toMatchObject({ type: 'FileReceived', fileId, partnerId: 'acme', body: { channel: 'sftp' } });
    expect(archived?.metadata).toEqual({ 'user-agent-id': 'acme_sftp@s-0123456789abcdef0' });
    expect((await h.bytes(`archive/${fileId}/original`))?.equals(cipher)).toBe(true);
    expect(logs.text()).not.toContain('JOHN');
  });

  it('when a partner downloads from /outbound, then it gets the bytes of outbound/<partner>/, and can list only its own', async () => {
    const ack = Buffer.concat([Buffer.from('ack '), Buffer.alloc(300_000, 7)]);
    await h.store.put('outbound/acme/f1.999.x12.pgp', ack);
    await h.store.put('outbound/beta/secret.999.x12.pgp', Buffer.from('beta only'));
    const target = path.join(dir, 'got.999');
    const batch = path.join(dir, 'get.batch');
    await writeFile(batch, `ls /outbound\nget /outbound/f1.999.x12.pgp "${target}"\n`);
    const run = await sftp(server.port, acmeKey, 'acme_sftp', batch);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('f1.999.x12.pgp');
    expect(run.stdout).not.toContain('secret');
    expect((await readFile(target)).equals(ack)).toBe(true);
  });

  it.each([
    ['upload into another partner\'s inbound', (f: string) => `put "${f}" /inbound/../../inbound/beta/x.pgp\n`],
    ['download from another partner\'s outbound', (f: string) => `get /outbound/../beta/secret.999.x12.pgp "${f}.out"\n`],
    ['list the bucket root of another partner', () => 'ls /beta\n'],
    ['write into outbound', (f: string) => `put "${f}" /outbound/x.pgp\n`],
    ['make a folder', () => 'mkdir /inbound/sub\n'],
  ])('when a partner tries to %s, then it is refused and nothing is stored', async (_what, line) => {
    const local = path.join(dir, 'probe.pgp');
    await writeFile(local, 'probe');
    const batch = path.join(dir, 'probe.batch');
    await writeFile(batch, line(local));
    const before: string[] = [];
    for await (const o of h.store.list('')) before.push(o.key);
    const run = await sftp(server.port, acmeKey, 'acme_sftp', batch);
    expect(run.code).not.toBe(0);
    // Refused by the server (not a timeout or a login failure).
    expect(run.stderr).toMatch(/Permission denied|No such file|not found/i);
    expect(run.stderr).not.toMatch(/\(publickey\)/);
    const after: string[] = [];
    for await (const o of h.store.list('')) after.push(o.key);
    expect(after.filter((k) => !k.startsWith('claims/'))).toEqual(before.filter((k) => !k.startsWith('claims/')));
  });

  it('when a key is used with another partner\'s user name, then login is refused', async () => {
    const batch = path.join(dir, 'ls.batch');
    await writeFile(batch, 'ls /\n');
    const run = await sftp(server.port, betaKey, 'acme_sftp', batch);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(/Permission denied \(publickey\)/);
  });

  it('when a client logs in with a password, then it is refused and only publickey is offered', async () => {
    const outcome = await new Promise<{ error?: string }>((resolve) => {
      const c = new Client();
      c.on('ready', () => {
        c.end();
        resolve({});
      });
      c.on('error', (err: Error & { level?: string }) => resolve({ error: `${err.level}: ${err.message}` }));
      c.connect({ host: '127.0.0.1', port: server.port, username: 'acme_sftp', password: 'guess', tryKeyboard: true, readyTimeout: 10_000 });
    });
    expect(outcome.error).toMatch(/^client-authentication: All configured authentication methods failed/);
  });
});

describe('embedded SFTP server limits', () => {
  let server: SftpServer;
  const logs = memoryDestination();
  const key = generateSshKeyPair('acme');
  const registry = staticRegistry(
    parseRegistry({ version: 1, partners: [{ id: 'acme', name: 'Acme', isaSenders: [{ qualifier: 'ZZ', id: 'ACME' }], requireSignature: false, allowPlaintext: true, sftpUsers: [{ userName: 'acme_sftp', sshPublicKeys: [key.publicKey] }] }] }),
  );

  beforeAll(async () => {
    server = await startSftpServer({
      store: new EmbeddedObjectStore({ root: await mkdtemp(path.join(os.tmpdir(), 'sftp-limits-')) }),
      partners: registry,
      logger: createLogger({ service: 'sftp-limits', destination: logs }),
      hostKeys: [generateSshKeyPair('host').privateKey],
      port: 0,
      authTimeoutMs: 600,
      maxConnections: 6,
      maxConnectionsPerAddress: 3,
      maxAuthAttempts: 3,
    });
  });
  afterAll(async () => {
    await server?.close();
  });

  /** A raw TCP connection; resolves with how long the server kept it open (ms), or the cap if still open. */
  function holdOpen(capMs: number): { closed: Promise<number>; socket: import('node:net').Socket } {
    const started = Date.now();
    const socket = connect(server.port, '127.0.0.1');
    socket.on('error', () => undefined);
    // Read what the server sends, or a paused socket never sees the close.
    socket.resume();
    const closed = new Promise<number>((resolve) => {
      const timer = setTimeout(() => resolve(capMs), capMs);
      socket.on('close', () => {
        clearTimeout(timer);
        resolve(Date.now() - started);
      });
    });
    return { closed, socket };
  }

  it('when a client connects and never logs in, then the server closes it after the login timeout', async () => {
    const { closed, socket } = holdOpen(5_000);
    socket.write('SSH-2.0-probe\r\n');
    const ms = await closed;
    expect(ms).toBeGreaterThanOrEqual(500);
    expect(ms).toBeLessThan(3_000);
    expect(logs.text()).toContain('no login within the time allowed');
  });

  it('when one address opens more connections than allowed, then the extra one is closed at once', async () => {
    const held = [holdOpen(400), holdOpen(400), holdOpen(400)];
    await new Promise((r) => setTimeout(r, 150));
    const extra = holdOpen(2_000);
    expect(await extra.closed).toBeLessThan(300);
    for (const c of held) c.socket.destroy();
    expect(logs.text()).toContain('too many connections');
    // Let the server see those closes before the next test connects from the same address.
    await Promise.all(held.map((c) => c.closed));
    await new Promise((r) => setTimeout(r, 200));
  });

  it('when a client tries more keys than allowed, then the server closes the connection', async () => {
    const wrong = [1, 2, 3, 4, 5].map((i) => generateSshKeyPair(`wrong${i}`).privateKey);
    const outcome = await new Promise<string>((resolve) => {
      const c = new Client();
      const methods = wrong.map((privateKey) => ({ type: 'publickey' as const, username: 'acme_sftp', key: privateKey }));
      c.on('ready', () => resolve('ready'));
      c.on('error', (err) => resolve(`error: ${err.message}`));
      c.on('close', () => resolve('closed'));
      c.connect({ host: '127.0.0.1', port: server.port, username: 'acme_sftp', readyTimeout: 10_000, authHandler: methods as never });
    });
    expect(outcome).not.toBe('ready');
    expect(logs.text()).toContain('too many authentication attempts');
  });

  it('when a client with the right key connects within the limits, then it logs in', async () => {
    const ok = await new Promise<boolean>((resolve) => {
      const c = new Client();
      c.on('ready', () => {
        c.end();
        resolve(true);
      });
      c.on('error', () => resolve(false));
      c.connect({ host: '127.0.0.1', port: server.port, username: 'acme_sftp', privateKey: key.privateKey, readyTimeout: 10_000 });
    });
    expect(ok).toBe(true);
  });
});
