import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { TransferClient } from '@aws-sdk/client-transfer';
import { createPartnersCommand, runCli } from '@ediflow/cli';
import { generateSshKeyPair } from '@ediflow/ingest';
import { generateKeyPair } from '@ediflow/pgp';
import { capture } from '../helpers';

const SERVER = 's-0123456789abcdef0';
const ROLE = 'arn:aws:iam::111122223333:role/ediflow-transfer-user';
const ENV = { TRANSFER_SERVER_ID: SERVER, TRANSFER_USER_ROLE_ARN: ROLE, S3_BUCKET: 'ediflow-test' };

let dir: string;
let pgpPublic: string;
const ssh1 = generateSshKeyPair('acme-1').publicKey;
const ssh2 = generateSshKeyPair('acme-2').publicKey;

function partner(id: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { id, name: `Partner ${id}`, isaSenders: [{ qualifier: 'ZZ', id: id.toUpperCase() }], pgpPublicKeys: [pgpPublic], ...extra };
}

function registryFile(name: string, doc: unknown): string {
  const p = join(dir, name);
  writeFileSync(p, typeof doc === 'string' ? doc : JSON.stringify(doc));
  return p;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'edi-partners-'));
  pgpPublic = (await generateKeyPair({ userId: { name: 'acme', email: 'acme@example.test' } })).publicKeyArmored;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A Transfer Family stand-in behind the real SDK client: answers JSON 1.1 requests, keeps users in memory. */
function stubTransfer() {
  const users = new Map<string, { UserName: string; Role: string; HomeDirectoryType: string; HomeDirectoryMappings: unknown[]; SshPublicKeys: { SshPublicKeyBody: string; SshPublicKeyId: string; DateImported: number }[] }>();
  const ops: string[] = [];
  let n = 0;
  const answer = (status: number, body: unknown) => ({
    response: { statusCode: status, headers: { 'content-type': 'application/x-amz-json-1.1' }, body: Readable.from([Buffer.from(JSON.stringify(body))]) },
  });
  const requestHandler = {
    async handle(request: { headers: Record<string, string>; body?: unknown }) {
      const target = Object.entries(request.headers).find(([k]) => k.toLowerCase() === 'x-amz-target')?.[1] ?? '';
      const op = target.replace(/^TransferService\./, '');
      const raw = request.body;
      const body = JSON.parse(typeof raw === 'string' ? raw : new TextDecoder().decode(raw as Uint8Array)) as Record<string, string>;
      ops.push(op);
      const user = users.get(body.UserName);
      if (op === 'DescribeUser') {
        return user ? answer(200, { ServerId: body.ServerId, User: { Arn: `arn:aws:transfer:eu-west-1:111122223333:user/${SERVER}/${user.UserName}`, ...user } }) : answer(400, { __type: 'ResourceNotFoundException', Message: 'no user' });
      }
      if (op === 'CreateUser') {
        users.set(body.UserName, {
          UserName: body.UserName,
          Role: body.Role,
          HomeDirectoryType: body.HomeDirectoryType,
          HomeDirectoryMappings: body.HomeDirectoryMappings as unknown as unknown[],
          SshPublicKeys: [{ SshPublicKeyBody: body.SshPublicKeyBody, SshPublicKeyId: `key-${++n}`, DateImported: 1700000000 }],
        });
        return answer(200, { ServerId: body.ServerId, UserName: body.UserName });
      }
      if (op === 'ImportSshPublicKey' && user) {
        user.SshPublicKeys.push({ SshPublicKeyBody: body.SshPublicKeyBody, SshPublicKeyId: `key-${++n}`, DateImported: 1700000000 });
        return answer(200, { ServerId: body.ServerId, UserName: body.UserName, SshPublicKeyId: `key-${n}` });
      }
      return answer(400, { __type: 'InvalidRequestException', Message: `unexpected ${op}` });
    },
  };
  const client = new TransferClient({ region: 'eu-west-1', credentials: { accessKeyId: 'AKIDSTUB', secretAccessKey: 'stub' }, requestHandler, maxAttempts: 1 });
  return { client, users, ops };
}

describe('edi --help', () => {
  it('when asked for help, then the partners and dlq commands are listed', async () => {
    const c = capture();
    expect(await runCli(['--help'], c.io)).toBe(0);
    expect(c.out()).toMatch(/^  partners\s+partner registry: validate, list, onboard/m);
    expect(c.out()).toMatch(/^  dlq\s+notifier dead letters: list, replay/m);
    const p = capture();
    expect(await runCli(['partners', '--help'], p.io)).toBe(0);
    expect(p.out()).toContain('TRANSFER_SERVER_ID');
  });
});

describe('edi partners validate', () => {
  it('when the registry is valid, then exit 0 and the partner count is printed', async () => {
    const file = registryFile('ok.json', { version: 1, partners: [partner('acme'), partner('globex')] });
    const c = capture();
    expect(await runCli(['partners', 'validate', file], c.io)).toBe(0);
    expect(c.out()).toContain('valid (2 partners)');
  });

  it('when the registry has schema, cross-partner and key problems, then exit 1 with each JSON path and no value', async () => {
    const file = registryFile('bad.json', {
      version: 1,
      partners: [partner('acme', { requireSignatures: true }), { ...partner('globex'), isaSenders: [{ qualifier: 'ZZ', id: 'SECRET-SENDER-123' }] }],
    });
    const c = capture();
    expect(await runCli(['partners', 'validate', file], c.io)).toBe(1);
    expect(c.err()).toMatch(/partners\.0: .*requireSignatures/);
    expect(c.err()).toMatch(/partners\.1\.isaSenders\.0\.id: /);
    expect(c.err()).not.toContain('SECRET-SENDER-123');

    const keys = registryFile('badkey.json', { version: 1, partners: [{ ...partner('acme'), pgpPublicKeys: ['-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nnot a key\n-----END PGP PUBLIC KEY BLOCK-----\n'] }] });
    const k = capture();
    expect(await runCli(['partners', 'validate', keys], k.io)).toBe(1);
    expect(k.err()).toContain('partners.0.pgpPublicKeys.0: is not a readable OpenPGP public key');
  });

  it('when no FILE is given, then $PARTNERS_FILE is read; when the file does not exist, then exit 2 naming it', async () => {
    const file = registryFile('env.json', { version: 1, partners: [partner('acme')] });
    const c = capture();
    expect(await runCli(['partners', 'validate'], c.io, [createPartnersCommand({ env: { PARTNERS_FILE: file } })])).toBe(0);
    expect(c.out()).toContain(`${file}: valid (1 partner)`);
    const m = capture();
    expect(await runCli(['partners', 'validate', join(dir, 'missing.json')], m.io)).toBe(2);
    expect(m.err()).toContain(`no such file: ${join(dir, 'missing.json')}`);
    const u = capture();
    expect(await runCli(['partners', 'frobnicate'], u.io)).toBe(2);
    expect(u.err()).toContain("unknown subcommand 'frobnicate'");
  });
});

describe('edi partners list', () => {
  it('when listing, then a table without keys is printed, and --json gives the summaries', async () => {
    const hook = { id: 'acme-claims', url: 'https://hooks.example.test/x12?token=not-for-listing' };
    const file = registryFile('list.json', { version: 1, partners: [partner('acme', { sftpUsers: [{ userName: 'acme_sftp', sshPublicKeys: [ssh1] }], subscriptions: [hook] }), partner('globex')] });
    const c = capture();
    expect(await runCli(['partners', 'list', file], c.io)).toBe(0);
    const lines = c.out().trimEnd().split('\n');
    expect(lines[0]).toMatch(/^ID\s+NAME\s+ISA SENDERS\s+SFTP USERS/);
    expect(lines[1]).toMatch(/^acme\s+Partner acme\s+ZZ\/ACME\s+acme_sftp\s+1\s+required/);
    expect(lines).toHaveLength(3);
    expect(c.out()).not.toContain('BEGIN PGP');
    expect(lines[0]).toMatch(/\sCALLBACKS$/);
    expect(lines[1]).toMatch(/\sacme-claims$/);
    expect(c.out()).not.toContain('not-for-listing');
    const j = capture();
    expect(await runCli(['partners', 'list', '--json', file], j.io)).toBe(0);
    const rows = JSON.parse(j.out()) as { id: string; sftpUsers: string[]; pgpKeys: number; subscriptions: string[] }[];
    expect(rows.map((r) => [r.id, r.sftpUsers, r.pgpKeys, r.subscriptions])).toEqual([
      ['acme', ['acme_sftp'], 1, ['acme-claims']],
      ['globex', [], 1, []],
    ]);
    expect(j.out()).not.toContain('not-for-listing');
  });
});

describe('edi partners onboard', () => {
  it('when run twice for a partner, then the real Transfer client creates the user with its keys, and the second run changes nothing', async () => {
    const file = registryFile('onboard.json', { version: 1, partners: [partner('acme', { sftpUsers: [{ userName: 'acme_sftp', sshPublicKeys: [ssh1, ssh2] }] })] });
    const t = stubTransfer();
    const command = createPartnersCommand({ env: ENV, transfer: () => t.client });
    const c = capture();
    // stderr in the comparison: a failure says why (it failed once in CI, 2026-11-23, and did not repeat)
    expect({ exit: await runCli(['partners', 'onboard', 'acme', file], c.io, [command]), stderr: c.err() }).toEqual({ exit: 0, stderr: '' });
    expect(JSON.parse(c.out())).toEqual({ partnerId: 'acme', changed: true, users: [{ userName: 'acme_sftp', created: true, updated: false, keysImported: 1, keysDeleted: 0 }] });
    expect(t.ops).toEqual(['DescribeUser', 'CreateUser', 'ImportSshPublicKey']);
    const user = t.users.get('acme_sftp');
    expect(user?.Role).toBe(ROLE);
    expect(user?.HomeDirectoryMappings).toEqual([
      { Entry: '/inbound', Target: '/ediflow-test/inbound/acme' },
      { Entry: '/outbound', Target: '/ediflow-test/outbound/acme' },
    ]);
    expect(user?.SshPublicKeys.map((k) => k.SshPublicKeyBody)).toEqual([ssh1.trim(), ssh2.trim()]);

    const again = capture();
    expect({ exit: await runCli(['partners', 'onboard', 'acme', file], again.io, [command]), stderr: again.err() }).toEqual({ exit: 0, stderr: '' });
    expect((JSON.parse(again.out()) as { changed: boolean }).changed).toBe(false);
    expect(t.ops.slice(3)).toEqual(['DescribeUser']);
  });

  it('when a variable is missing or the partner is unknown, then nothing is sent and the error names the variable or the code', async () => {
    const file = registryFile('onboard2.json', { version: 1, partners: [partner('acme', { sftpUsers: [{ userName: 'acme_sftp', sshPublicKeys: [ssh1] }] })] });
    const t = stubTransfer();
    const c = capture();
    const missing = createPartnersCommand({ env: { TRANSFER_SERVER_ID: SERVER, S3_BUCKET: 'ediflow-test' }, transfer: () => t.client });
    expect(await runCli(['partners', 'onboard', 'acme', file], c.io, [missing])).toBe(2);
    expect(c.err()).toContain('TRANSFER_USER_ROLE_ARN: required');
    const u = capture();
    expect(await runCli(['partners', 'onboard', 'nobody', file], u.io, [createPartnersCommand({ env: ENV, transfer: () => t.client })])).toBe(1);
    expect(u.err()).toContain('PARTNER_UNKNOWN');
    expect(t.ops).toEqual([]);
  });
});
