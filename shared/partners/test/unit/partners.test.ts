import { mkdtemp, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import {
  parseRegistry,
  parseRegistryText,
  registryFromFile,
  registryFromObjectStore,
  registryIssues,
  RegistryInvalidError,
  type RegistryObjectReader,
} from '@ediflow/partners';

const PGP = '-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nxjMEZ\n-----END PGP PUBLIC KEY BLOCK-----\n';
const SSH_A = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOv0aD7HFFYbqzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz acme@laptop';
const SSH_B = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOv0aD7HFFYbqyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy';
const partner = { id: 'acme-clinic', name: 'Acme Clinic', isaSenders: [{ qualifier: 'ZZ', id: 'ACME' }], pgpPublicKeys: [PGP] };

describe('parseRegistry', () => {
  it('when the document is valid, then defaults are safe (signature required, no plaintext, 999 ack, no SFTP users, no HTTP tokens)', () => {
    const reg = parseRegistry({ version: 1, partners: [partner] });
    expect(reg.get('acme-clinic')).toMatchObject({
      requireSignature: true,
      allowPlaintext: false,
      split: 'transaction',
      acknowledgments: ['999'],
      sftpUsers: [],
      httpTokenSha256: [],
      isaReceivers: [],
    });
    expect(reg.find('nobody')).toBeUndefined();
    expect(() => reg.get('nobody')).toThrow(expect.objectContaining({ code: 'PARTNER_UNKNOWN' }));
  });

  it('when a partner has SFTP users, then the partner is found by user name (case-insensitive)', () => {
    const reg = parseRegistry({ version: 1, partners: [{ ...partner, sftpUsers: [{ userName: 'acme_sftp', sshPublicKeys: [SSH_A] }] }] });
    expect(reg.findBySftpUser('ACME_sftp')?.id).toBe('acme-clinic');
    expect(reg.findBySftpUser('other')).toBeUndefined();
  });

  it('when fields are bad or ids repeat, then the error names the path and never echoes the value', () => {
    expect(() => parseRegistry({ version: 1, partners: [{ ...partner, id: 'Bad Id', isaSenders: [{ qualifier: 'Z', id: 'A' }] }] })).toThrow(
      /partners\.0\.id: .*partners\.0\.isaSenders\.0\.qualifier/,
    );
    expect(() => parseRegistry({ version: 1, partners: [partner, partner] })).toThrow(/duplicate partner id acme-clinic/);
    expect(() => parseRegistry({ version: 2, partners: [] })).toThrow(/version/);
    const secretish = 'ssh-rsa NOT-BASE64!!';
    let caught: unknown;
    try {
      parseRegistry({ version: 1, partners: [{ ...partner, sftpUsers: [{ userName: 'acme', sshPublicKeys: [secretish] }] }] });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(RegistryInvalidError);
    expect((caught as RegistryInvalidError).issues.map((i) => i.path)).toEqual(['partners.0.sftpUsers.0.sshPublicKeys.0']);
    expect((caught as Error).message).not.toContain('NOT-BASE64');
  });

  it('when a field is misspelt, then it is refused instead of silently defaulted', () => {
    expect(registryIssues({ version: 1, partners: [{ ...partner, requireSignatures: false }] })).toEqual([
      { path: 'partners.0', message: expect.stringMatching(/requireSignatures/) },
    ]);
  });

  it('when two partners share an SFTP user, SSH key, ISA sender or token hash, or a signature is required without a key, then each is an issue', () => {
    const hash = 'a'.repeat(64);
    const other = {
      ...partner,
      id: 'other',
      sftpUsers: [{ userName: 'ACME', sshPublicKeys: [SSH_A] }],
      httpTokenSha256: [hash],
    };
    const issues = registryIssues({
      version: 1,
      partners: [
        { ...partner, sftpUsers: [{ userName: 'acme', sshPublicKeys: [SSH_A.replace(' acme@laptop', '')] }], httpTokenSha256: [hash] },
        other,
        { id: 'nokey', name: 'No key', isaSenders: [{ qualifier: 'ZZ', id: 'NOKEY' }], sftpUsers: [{ userName: 'nokey', sshPublicKeys: [SSH_B] }] },
      ],
    });
    expect(issues.map((i) => i.path)).toEqual([
      'partners.1.isaSenders.0',
      'partners.1.sftpUsers.0.userName',
      'partners.1.sftpUsers.0.sshPublicKeys.0',
      'partners.1.httpTokenSha256.0',
      'partners.2.pgpPublicKeys',
    ]);
    expect(issues[0].message).toBe('ISA sender ZZ/ACME is already used by partner acme-clinic');
  });

  it('when partners list callback subscriptions, then they validate with defaults; a bad one or an id used twice is an issue at its path', () => {
    const hook = { id: 'claims-api', url: 'https://claims.example.test/hooks', transactionSets: ['837'], auth: [{ type: 'hmac', secrets: [{ env: 'CLAIMS_SECRET' }] }] };
    const reg = parseRegistry({ version: 1, partners: [{ ...partner, subscriptions: [hook] }] });
    expect(reg.get('acme-clinic').subscriptions).toEqual([{ ...hook, headers: {}, ordering: 'none' }]);
    expect(parseRegistry({ version: 1, partners: [partner] }).get('acme-clinic').subscriptions).toEqual([]);

    const other = { ...partner, id: 'other-clinic', isaSenders: [{ qualifier: 'ZZ', id: 'OTHER' }] };
    expect(
      registryIssues({
        version: 1,
        partners: [
          { ...partner, subscriptions: [hook, { ...hook, id: 'bad-url', url: 'ftp://x.example.test/' }] },
          { ...other, subscriptions: [{ ...hook, auth: [{ type: 'hmac', secrets: [{ env: 'lower' }] }] }] },
        ],
      }).map((i) => i.path),
    ).toEqual(['partners.0.subscriptions.1.url', 'partners.1.subscriptions.0.auth.0.secrets.0.env']);
    expect(registryIssues({ version: 1, partners: [{ ...partner, subscriptions: [hook] }, { ...other, subscriptions: [hook] }] })).toEqual([
      { path: 'partners.1.subscriptions.0.id', message: 'subscription id claims-api is used twice' },
    ]);
  });

  it('when the text is not JSON, then the error is PARTNERS_INVALID at the root', () => {
    expect(() => parseRegistryText('{ "version": 1,')).toThrow(expect.objectContaining({ code: 'PARTNERS_INVALID', message: expect.stringMatching(/^partner registry invalid: \(root\): not JSON/) }));
  });
});

describe('registryFromFile', () => {
  it('when the file changes, then the next read sees the new version; a bad new version is refused', async () => {
    const file = path.join(await mkdtemp(path.join(os.tmpdir(), 'reg-')), 'partners.json');
    await writeFile(file, JSON.stringify({ version: 1, partners: [partner] }));
    const source = registryFromFile(file);
    expect((await source.current()).list().map((p) => p.isaSenders.length)).toEqual([1]);
    await writeFile(file, JSON.stringify({ version: 1, partners: [{ ...partner, isaSenders: [...partner.isaSenders, { qualifier: '30', id: 'X' }] }] }));
    await utimes(file, new Date(), new Date(Date.now() + 5000));
    expect((await source.current()).list().map((p) => p.isaSenders.length)).toEqual([2]);
    await writeFile(file, JSON.stringify({ version: 1, partners: [{ ...partner, id: 'BAD ID' }] }));
    await utimes(file, new Date(), new Date(Date.now() + 10000));
    await expect(source.current()).rejects.toMatchObject({ code: 'PARTNERS_INVALID' });
  });
});

describe('registryFromObjectStore', () => {
  it('when the object changes (new etag), then it is re-read; while unchanged only HEAD is asked; when absent, PARTNERS_MISSING', async () => {
    const objects = new Map<string, { text: string; etag: string }>();
    let gets = 0;
    const reader: RegistryObjectReader = {
      head: async (key) => (objects.has(key) ? { etag: objects.get(key)!.etag } : undefined),
      get: async (key) => {
        gets += 1;
        const o = objects.get(key)!;
        return { body: Readable.from([Buffer.from(o.text)]), info: { etag: o.etag } };
      },
    };
    const source = registryFromObjectStore(reader, 'config/partners.json');
    await expect(source.current()).rejects.toMatchObject({ code: 'PARTNERS_MISSING' });
    objects.set('config/partners.json', { text: JSON.stringify({ version: 1, partners: [partner] }), etag: 'e1' });
    expect((await source.current()).list().map((p) => p.id)).toEqual(['acme-clinic']);
    await source.current();
    expect(gets).toBe(1);
    objects.set('config/partners.json', { text: JSON.stringify({ version: 1, partners: [partner, { ...partner, id: 'second', isaSenders: [{ qualifier: 'ZZ', id: 'TWO' }] }] }), etag: 'e2' });
    expect((await source.current()).list().map((p) => p.id)).toEqual(['acme-clinic', 'second']);
    expect(gets).toBe(2);
  });
});
