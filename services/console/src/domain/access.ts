/**
 * Who may do what in the console: two roles, tokens compared in constant time, a signed session
 * cookie (no server-side session store, so any replica can read it), and CSRF tokens bound to the
 * identity that posts.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export type Role = 'read-only' | 'operator';

export interface Identity {
  /** Who, for the audit log: "operator-token", "read-only-token", or the OIDC user. */
  user: string;
  role: Role;
  /** What the CSRF token is bound to (the session, the bearer token's digest, the OIDC subject). */
  key: string;
}

/** Replay (and every other change) needs the operator role. */
export function mayReplay(role: Role): boolean {
  return role === 'operator';
}

/** Operator when any of the groups is an operator group, read-only when any is a read-only group, else none. */
export function roleForGroups(groups: readonly string[], mapping: { operator: readonly string[]; readOnly: readonly string[] }): Role | undefined {
  if (groups.some((g) => mapping.operator.includes(g))) return 'operator';
  if (groups.some((g) => mapping.readOnly.includes(g))) return 'read-only';
  return undefined;
}

const digest = (s: string): Buffer => createHash('sha256').update(s).digest();

function sameDigest(a: string, b: string): boolean {
  return timingSafeEqual(digest(a), digest(b));
}

export interface AccessOptions {
  /** Signs sessions and CSRF tokens (32+ bytes). */
  secret: Buffer;
  operatorToken?: string;
  readOnlyToken?: string;
  sessionTtlMs: number;
}

export class Access {
  constructor(private readonly options: AccessOptions) {}

  /** How long a session lasts, for the cookie's Max-Age. */
  get sessionTtlMs(): number {
    return this.options.sessionTtlMs;
  }

  private sign(text: string): string {
    return createHmac('sha256', this.options.secret).update(text).digest('base64url');
  }

  /** The identity a bearer or login token stands for. */
  identityForToken(token: string): Identity | undefined {
    const key = `bearer:${digest(token).toString('base64url')}`;
    if (this.options.operatorToken !== undefined && sameDigest(token, this.options.operatorToken)) return { user: 'operator-token', role: 'operator', key };
    if (this.options.readOnlyToken !== undefined && sameDigest(token, this.options.readOnlyToken)) return { user: 'read-only-token', role: 'read-only', key };
    return undefined;
  }

  /** A session cookie value for the identity, valid for the session lifetime from `now`. */
  issueSession(identity: Identity, now: number): string {
    const payload = Buffer.from(JSON.stringify({ u: identity.user, r: identity.role, e: now + this.options.sessionTtlMs })).toString('base64url');
    return `${payload}.${this.sign(`session|${payload}`)}`;
  }

  readSession(value: string, now: number): Identity | undefined {
    const [payload, mac] = value.split('.');
    if (payload === undefined || mac === undefined || !sameDigest(mac, this.sign(`session|${payload}`))) return undefined;
    let parsed: { u?: unknown; r?: unknown; e?: unknown };
    try {
      parsed = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as typeof parsed;
    } catch {
      return undefined;
    }
    if (typeof parsed.u !== 'string' || (parsed.r !== 'operator' && parsed.r !== 'read-only') || typeof parsed.e !== 'number' || parsed.e <= now) return undefined;
    return { user: parsed.u, role: parsed.r, key: `session:${mac}` };
  }

  /** The CSRF token for forms and X-CSRF-Token headers of this identity (or of a login nonce). */
  csrfToken(key: string): string {
    return this.sign(`csrf|${key}`);
  }

  checkCsrf(key: string, token: string | undefined): boolean {
    return token !== undefined && token !== '' && sameDigest(token, this.csrfToken(key));
  }
}
