import { generateKeyPair } from '@ediflow/pgp';
import { parseRegistry } from '@ediflow/partners';
import { formatPartnerTable, generateSshKeyPair, summarisePartners, validateRegistryFile, validateRegistryText } from '@ediflow/ingest';

describe('partners validate / list', () => {
  let pub: string;
  let priv: string;
  const ssh = generateSshKeyPair('acme').publicKey;
  beforeAll(async () => {
    const pair = await generateKeyPair({ userId: { name: 'acme', email: 'acme@example.test' } });
    pub = pair.publicKeyArmored;
    priv = pair.privateKeyArmored;
  });
  const doc = (over: Record<string, unknown> = {}) => ({
    version: 1,
    partners: [{ id: 'acme', name: 'Acme', isaSenders: [{ qualifier: 'ZZ', id: 'ACME' }], pgpPublicKeys: [pub], sftpUsers: [{ userName: 'acme_sftp', sshPublicKeys: [ssh] }], ...over }],
  });

  it('when the registry is good, then it is ok and lists partners without keys or token hashes', async () => {
    expect(await validateRegistryText(JSON.stringify(doc()))).toEqual({ ok: true, partners: 1, issues: [] });
    const rows = summarisePartners(parseRegistry(doc({ httpTokenSha256: ['b'.repeat(64)] })));
    expect(rows).toEqual([
      {
        id: 'acme',
        name: 'Acme',
        isaSenders: ['ZZ/ACME'],
        isaReceivers: [],
        sftpUsers: ['acme_sftp'],
        pgpKeys: 1,
        httpTokens: 1,
        requireSignature: true,
        allowPlaintext: false,
        split: 'transaction',
        acknowledgments: ['999'],
        subscriptions: [],
      },
    ]);
    const table = formatPartnerTable(rows).split('\n');
    expect(table[0]).toMatch(/^ID\s+NAME\s+ISA SENDERS\s+SFTP USERS/);
    expect(table[1]).toMatch(/^acme\s+Acme\s+ZZ\/ACME\s+acme_sftp\s+1\s+required\s+no\s+transaction\s+999\s+-$/);
  });

  it('when a PGP key is unreadable or private, or an SSH key does not parse, then each is reported by path', async () => {
    const badPgp = '-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nnot really\n-----END PGP PUBLIC KEY BLOCK-----\n';
    const badSsh = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGarbage';
    const privateInside = `-----BEGIN PGP PUBLIC KEY BLOCK-----\n${priv}`;
    const report = await validateRegistryText(JSON.stringify(doc({ pgpPublicKeys: [badPgp, privateInside], sftpUsers: [{ userName: 'acme_sftp', sshPublicKeys: [badSsh] }] })));
    expect(report.ok).toBe(false);
    expect(report.issues).toEqual([
      { path: 'partners.0.pgpPublicKeys.0', message: 'is not a readable OpenPGP public key' },
      { path: 'partners.0.pgpPublicKeys.1', message: expect.stringMatching(/PRIVATE key block/) },
      { path: 'partners.0.sftpUsers.0.sshPublicKeys.0', message: 'is not a readable SSH public key' },
    ]);
    expect(JSON.stringify(report)).not.toContain('Garbage');
  });

  it('when the file is missing or not JSON, then the report says where', async () => {
    expect(await validateRegistryFile('/nonexistent/partners.json')).toEqual({ ok: false, partners: 0, issues: [{ path: '(file)', message: 'cannot be read (ENOENT)' }] });
    expect((await validateRegistryText('{"version":1,')).issues[0].path).toBe('(root)');
    expect((await validateRegistryText(JSON.stringify({ version: 1, partners: [{ id: 'x' }] }))).issues.map((i) => i.path)).toEqual([
      'partners.0.id',
      'partners.0.name',
      'partners.0.isaSenders',
    ]);
  });
});
