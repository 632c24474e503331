import { Agent, request } from 'undici';
import { UnavailableError } from '@ediflow/errors';
import type { TokenSource } from '../domain/ports';

export interface OAuth2ClientCredentials {
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  scope?: string;
  audience?: string;
  /** client_secret_basic (default) or client_secret_post. */
  clientAuth?: 'basic' | 'body';
  /** Fetch a new token this long before the cached one expires; default 60 s. */
  refreshBeforeSeconds?: number;
  timeoutMs?: number;
}

export interface TokenClientDeps {
  clock: () => Date;
  /** Shared keep-alive agent for token requests. */
  dispatcher?: Agent;
}

/**
 * OAuth2 client-credentials token source (RFC 6749 section 4.4). The token is cached
 * and refreshed ahead of expiry; concurrent callers share one in-flight request.
 * Failures are retryable (the delivery is tried again later); the secret is never logged.
 */
export function createTokenClient(settings: OAuth2ClientCredentials, deps: TokenClientDeps): TokenSource {
  let cached: { token: string; refreshAt: number } | undefined;
  let inflight: Promise<string> | undefined;
  const refreshBefore = (settings.refreshBeforeSeconds ?? 60) * 1000;

  const fetchToken = async (): Promise<string> => {
    const form = new URLSearchParams({ grant_type: 'client_credentials' });
    if (settings.scope) form.set('scope', settings.scope);
    if (settings.audience) form.set('audience', settings.audience);
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };
    if ((settings.clientAuth ?? 'basic') === 'basic') {
      const basic = `${encodeURIComponent(settings.clientId)}:${encodeURIComponent(settings.clientSecret)}`;
      headers.authorization = `Basic ${Buffer.from(basic).toString('base64')}`;
    } else {
      form.set('client_id', settings.clientId);
      form.set('client_secret', settings.clientSecret);
    }
    const timeoutMs = settings.timeoutMs ?? 10_000;
    let status: number;
    let json: unknown;
    try {
      const res = await request(settings.tokenUrl, {
        method: 'POST',
        headers,
        body: form.toString(),
        dispatcher: deps.dispatcher,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
        signal: AbortSignal.timeout(timeoutMs),
      });
      status = res.statusCode;
      json = status === 200 ? await res.body.json() : (await res.body.dump(), undefined);
    } catch (cause) {
      throw new UnavailableError('OAUTH_TOKEN_UNAVAILABLE', 'token endpoint did not answer', { cause });
    }
    if (status !== 200) throw new UnavailableError('OAUTH_TOKEN_REFUSED', `token endpoint answered HTTP ${status}`, { details: { status } });
    const body = json as { access_token?: unknown; expires_in?: unknown };
    if (typeof body?.access_token !== 'string' || body.access_token === '') {
      throw new UnavailableError('OAUTH_TOKEN_INVALID', 'token response has no access_token');
    }
    const expiresInMs = typeof body.expires_in === 'number' && body.expires_in > 0 ? body.expires_in * 1000 : 300_000;
    // Short-lived tokens: refresh at half their life rather than never using them.
    const margin = Math.min(refreshBefore, expiresInMs / 2);
    cached = { token: body.access_token, refreshAt: deps.clock().getTime() + expiresInMs - margin };
    return body.access_token;
  };

  return {
    async token(): Promise<string> {
      if (cached && deps.clock().getTime() < cached.refreshAt) return cached.token;
      inflight ??= fetchToken().finally(() => {
        inflight = undefined;
      });
      return inflight;
    },
    invalidate(): void {
      cached = undefined;
    },
  };
}
