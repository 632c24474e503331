import { Access, mayReplay, roleForGroups } from '../../src/domain/access';

const OPERATOR = 'o'.repeat(40);
const READER = 'r'.repeat(40);
const access = new Access({ secret: Buffer.alloc(32, 7), operatorToken: OPERATOR, readOnlyToken: READER, sessionTtlMs: 60_000 });

describe('Access', () => {
  it('when a token is given, then the operator and read-only tokens give their roles and anything else none', () => {
    expect(access.identityForToken(OPERATOR)).toMatchObject({ user: 'operator-token', role: 'operator' });
    expect(access.identityForToken(READER)).toMatchObject({ user: 'read-only-token', role: 'read-only' });
    expect(access.identityForToken(`${OPERATOR}x`)).toBeUndefined();
    expect(access.identityForToken('')).toBeUndefined();
    expect(mayReplay('operator')).toBe(true);
    expect(mayReplay('read-only')).toBe(false);
  });

  it('when a session cookie is read back, then it gives the identity until it expires, and a changed cookie gives none', () => {
    const value = access.issueSession({ user: 'operator-token', role: 'operator', key: 'x' }, 1000);
    expect(access.readSession(value, 1000)).toMatchObject({ user: 'operator-token', role: 'operator' });
    expect(access.readSession(value, 61_000)).toBeUndefined();
    const [payload, mac] = value.split('.');
    const forged = Buffer.from(JSON.stringify({ u: 'operator-token', r: 'operator', e: 9e15 })).toString('base64url');
    expect(access.readSession(`${forged}.${mac}`, 1000)).toBeUndefined();
    expect(access.readSession(`${payload}.${mac.slice(1)}`, 1000)).toBeUndefined();
    expect(access.readSession('garbage', 1000)).toBeUndefined();
    const other = new Access({ secret: Buffer.alloc(32, 8), sessionTtlMs: 60_000 });
    expect(other.readSession(value, 1000)).toBeUndefined();
  });

  it('when a CSRF token is checked, then only the one made for the same identity passes', () => {
    const token = access.csrfToken('session:abc');
    expect(access.checkCsrf('session:abc', token)).toBe(true);
    expect(access.checkCsrf('session:abd', token)).toBe(false);
    expect(access.checkCsrf('session:abc', undefined)).toBe(false);
    expect(access.checkCsrf('session:abc', '')).toBe(false);
  });
});

describe('roleForGroups', () => {
  const mapping = { operator: ['edi-ops'], readOnly: ['edi-viewers', 'auditors'] };
  it('when OIDC groups are mapped, then an operator group wins, a read-only group gives read-only, and no mapped group gives no access', () => {
    expect(roleForGroups(['auditors', 'edi-ops'], mapping)).toBe('operator');
    expect(roleForGroups(['auditors'], mapping)).toBe('read-only');
    expect(roleForGroups(['everyone'], mapping)).toBeUndefined();
    expect(roleForGroups([], mapping)).toBeUndefined();
  });
});
