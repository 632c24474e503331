import { envSecretReader, matchSubscriptions, parseSubscriptions, subscriptionsFromRegistry } from '@ediflow/notifier';
import { parseRegistry } from '@ediflow/partners';
import { AppError } from '@ediflow/errors';

const secret = `whsec_${Buffer.from('0123456789abcdef0123456789abcdef').toString('base64')}`;
const env = { CLAIMS_HOOK_SECRET: secret, CLAIMS_HOOK_SECRET_OLD: secret, OAUTH_SECRET: 'client-secret-value' };

const doc = {
  version: 1,
  subscriptions: [
    {
      id: 'claims-api',
      partnerId: 'acme-health',
      transactionSets: ['837'],
      url: 'https://claims.example.test/hooks/x12',
      timeoutMs: 5000,
      headers: { 'x-tenant': 't1' },
      auth: [{ type: 'hmac', secrets: [{ env: 'CLAIMS_HOOK_SECRET' }, { env: 'CLAIMS_HOOK_SECRET_OLD' }] }],
    },
    {
      id: 'remits',
      partnerId: 'acme-health',
      transactionSets: ['835'],
      url: 'https://remit.example.test/in',
      auth: [{ type: 'oauth2', tokenUrl: 'https://auth.example.test/token', clientId: 'ediflow', clientSecret: { env: 'OAUTH_SECRET' } }],
    },
    { id: 'audit', partnerId: 'acme-health', url: 'http://audit.internal.test/all' },
  ],
};

function errorOf(fn: () => unknown): AppError {
  try {
    fn();
  } catch (err) {
    return err as AppError;
  }
  throw new Error('expected a failure');
}

describe('subscriptions document', () => {
  it('when the document is valid, then secrets are resolved from the environment and defaults filled in', () => {
    const parsed = parseSubscriptions(doc, envSecretReader(env));
    expect(parsed.subscriptions[0].auth).toEqual([{ type: 'hmac', secrets: [secret, secret] }]);
    expect(parsed.subscriptions[1].auth[0]).toMatchObject({ type: 'oauth2', clientSecret: 'client-secret-value', clientAuth: 'basic', refreshBeforeSeconds: 60 });
    expect(parsed.subscriptions[2]).toMatchObject({ headers: {}, ordering: 'none', auth: [] });
  });

  it('when partner and transaction set are matched, then only the subscriptions that want them are returned', () => {
    const parsed = parseSubscriptions(doc, envSecretReader(env));
    expect(matchSubscriptions(parsed, 'acme-health', '837').map((s) => s.id)).toEqual(['claims-api', 'audit']);
    expect(matchSubscriptions(parsed, 'acme-health', '835').map((s) => s.id)).toEqual(['remits', 'audit']);
    expect(matchSubscriptions(parsed, 'acme-health', undefined).map((s) => s.id)).toEqual(['audit']);
    expect(matchSubscriptions(parsed, 'other', '837')).toEqual([]);
  });

  it('when a referenced variable is unset, then the error names the variable and never a secret value', () => {
    const err = errorOf(() => parseSubscriptions(doc, envSecretReader({ ...env, OAUTH_SECRET: undefined })));
    expect(err.code).toBe('SUBSCRIPTIONS_INVALID');
    expect(err.message).toContain('OAUTH_SECRET');
    expect(err.message).not.toContain(secret);
  });

  it('when an HMAC secret is not whsec_<base64>, then the document is refused without echoing it', () => {
    const err = errorOf(() => parseSubscriptions(doc, envSecretReader({ ...env, CLAIMS_HOOK_SECRET: 'plain-password' })));
    expect(err.message).toContain('subscriptions.0.auth.0.secrets.0');
    expect(err.message).not.toContain('plain-password');
  });

  it('when ids repeat, a field is malformed, or a secret is written inline, then the document is refused naming the path', () => {
    const dup = { version: 1, subscriptions: [doc.subscriptions[2], doc.subscriptions[2]] };
    expect(errorOf(() => parseSubscriptions(dup, envSecretReader(env))).message).toContain('duplicate id audit');
    const bad = { version: 1, subscriptions: [{ ...doc.subscriptions[2], url: 'ftp://x.test/', id: 'Bad Id' }] };
    const msg = errorOf(() => parseSubscriptions(bad, envSecretReader(env))).message;
    expect(msg).toContain('subscriptions.0.url');
    expect(msg).toContain('subscriptions.0.id');
    const inline = { version: 1, subscriptions: [{ ...doc.subscriptions[0], auth: [{ type: 'hmac', secrets: [secret] }] }] };
    const inlineMsg = errorOf(() => parseSubscriptions(inline, envSecretReader(env))).message;
    expect(inlineMsg).toContain('subscriptions.0.auth.0.secrets.0');
    expect(inlineMsg).not.toContain(secret);
  });
});

describe('subscriptionsFromRegistry', () => {
  const pgp = '-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nxjMEZ\n-----END PGP PUBLIC KEY BLOCK-----\n';
  const partner = (id: string, isa: string, subscriptions: unknown[]) => ({ id, name: id, isaSenders: [{ qualifier: 'ZZ', id: isa }], pgpPublicKeys: [pgp], subscriptions });

  it('when partners in the registry hold subscriptions, then each becomes a subscription of that partner with its secrets resolved', () => {
    const registry = parseRegistry({
      version: 1,
      partners: [
        partner('acme-health', 'ACME', [{ id: 'claims-api', url: 'https://claims.example.test/hooks', auth: [{ type: 'hmac', secrets: [{ env: 'CLAIMS_HOOK_SECRET' }] }] }]),
        partner('beta-clinic', 'BETA', [{ id: 'beta-remits', url: 'https://beta.example.test/in', transactionSets: ['835'] }]),
        partner('quiet-clinic', 'QUIET', []),
      ],
    });
    const got = subscriptionsFromRegistry(registry.document, envSecretReader(env));
    expect(got.subscriptions.map((s) => [s.id, s.partnerId, s.auth])).toEqual([
      ['claims-api', 'acme-health', [{ type: 'hmac', secrets: [secret] }]],
      ['beta-remits', 'beta-clinic', []],
    ]);
    expect(matchSubscriptions(got, 'beta-clinic', '835').map((s) => s.id)).toEqual(['beta-remits']);
    expect(matchSubscriptions(got, 'beta-clinic', '837')).toEqual([]);
  });

  it('when a referenced secret is not set, then loading fails naming the place, not the value', () => {
    const registry = parseRegistry({
      version: 1,
      partners: [partner('acme-health', 'ACME', [{ id: 'claims-api', url: 'https://claims.example.test/hooks', auth: [{ type: 'hmac', secrets: [{ env: 'MISSING_SECRET' }] }] }])],
    });
    const err = errorOf(() => subscriptionsFromRegistry(registry.document, envSecretReader({})));
    expect(err.code).toBe('SUBSCRIPTIONS_INVALID');
    expect(err.message).toContain('MISSING_SECRET');
  });
});
