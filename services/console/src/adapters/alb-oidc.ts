/**
 * The identity an AWS Application Load Balancer vouches for after its OIDC authentication: the
 * `x-amzn-oidc-data` header is a JWT (ES256) the ALB signs; its public key is fetched by key id
 * from the region's ALB key endpoint. The token is trusted only when the signature verifies,
 * the `signer` header names the configured load balancer and it has not expired.
 */
import { createPublicKey, verify, type KeyObject } from 'node:crypto';

export interface OidcUser {
  user: string;
  groups: string[];
}

export interface AlbOidcOptions {
  region: string;
  /** ARN of the load balancer that must have signed the token. */
  albArn: string;
  /** Claim that lists the user's groups (a list, or a comma-separated string). */
  groupsClaim: string;
  /** Claim that names the user for the audit log. */
  userClaim: string;
  /** The PEM public key for a key id; fetched from the ALB key endpoint by default. */
  fetchKey?: (kid: string) => Promise<string>;
  clock?: () => number;
}

function albKeyFetcher(region: string): (kid: string) => Promise<string> {
  return async (kid) => {
    const res = await fetch(`https://public-keys.auth.elb.${region}.amazonaws.com/${kid}`, { signal: AbortSignal.timeout(5000) });
    if (!res.ok) throw new Error(`ALB public key ${kid}: HTTP ${res.status}`);
    return res.text();
  };
}

const decodePart = (part: string): Record<string, unknown> => JSON.parse(Buffer.from(part.replace(/=+$/, ''), 'base64url').toString('utf8')) as Record<string, unknown>;

/** Verifies an `x-amzn-oidc-data` value; undefined when it is missing, forged, for another ALB or expired. */
export function createAlbOidcVerifier(options: AlbOidcOptions): (token: string | undefined) => Promise<OidcUser | undefined> {
  const fetchKey = options.fetchKey ?? albKeyFetcher(options.region);
  const clock = options.clock ?? Date.now;
  const keys = new Map<string, Promise<KeyObject>>();
  const keyFor = (kid: string): Promise<KeyObject> => {
    let key = keys.get(kid);
    if (!key) {
      key = fetchKey(kid).then((pem) => createPublicKey(pem));
      key.catch(() => keys.delete(kid));
      keys.set(kid, key);
    }
    return key;
  };
  return async (token) => {
    if (token === undefined) return undefined;
    const parts = token.split('.');
    if (parts.length !== 3) return undefined;
    let header: Record<string, unknown>;
    let claims: Record<string, unknown>;
    try {
      header = decodePart(parts[0]);
      claims = decodePart(parts[1]);
    } catch {
      return undefined;
    }
    const kid = header.kid;
    if (header.alg !== 'ES256' || typeof kid !== 'string' || !/^[A-Za-z0-9-]{1,128}$/.test(kid) || header.signer !== options.albArn) return undefined;
    const signature = Buffer.from(parts[2].replace(/=+$/, ''), 'base64url');
    const ok = verify('sha256', Buffer.from(`${parts[0]}.${parts[1]}`), { key: await keyFor(kid), dsaEncoding: 'ieee-p1363' }, signature);
    if (!ok) return undefined;
    const exp = typeof header.exp === 'number' ? header.exp : claims.exp;
    if (typeof exp !== 'number' || exp * 1000 <= clock()) return undefined;
    const user = claims[options.userClaim] ?? claims.sub;
    const raw = claims[options.groupsClaim];
    const groups = Array.isArray(raw) ? raw.map(String) : typeof raw === 'string' ? raw.split(',').map((g) => g.trim()).filter(Boolean) : [];
    return typeof user === 'string' ? { user, groups } : undefined;
  };
}
