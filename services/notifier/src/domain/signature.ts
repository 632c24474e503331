import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Standard Webhooks signatures (https://www.standardwebhooks.com/):
 * `webhook-signature: v1,<base64 HMAC-SHA256(key, "<webhook-id>.<webhook-timestamp>.<body>")>`,
 * the key being the base64 part of a `whsec_<base64>` secret, the timestamp integer
 * Unix seconds. With two secrets (rotation) the header carries two space-separated
 * signatures; a receiver accepts the request when any one matches.
 */
export const WEBHOOK_HEADERS = {
  id: 'webhook-id',
  timestamp: 'webhook-timestamp',
  signature: 'webhook-signature',
} as const;

export const DEFAULT_TOLERANCE_SECONDS = 300;

function secretKey(secret: string): Buffer {
  const encoded = secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret;
  return Buffer.from(encoded, 'base64');
}

function sign(key: Buffer, id: string, timestamp: string, body: Buffer | string): string {
  const mac = createHmac('sha256', key);
  mac.update(`${id}.${timestamp}.`);
  mac.update(body);
  return mac.digest('base64');
}

/** The three Standard Webhooks headers for one request. `now` is injected for tests. */
export function signWebhook(params: { id: string; body: Buffer | string; secrets: string[]; now: Date }): Record<string, string> {
  const timestamp = String(Math.floor(params.now.getTime() / 1000));
  const signatures = params.secrets.map((s) => `v1,${sign(secretKey(s), params.id, timestamp, params.body)}`);
  return {
    [WEBHOOK_HEADERS.id]: params.id,
    [WEBHOOK_HEADERS.timestamp]: timestamp,
    [WEBHOOK_HEADERS.signature]: signatures.join(' '),
  };
}

export type VerifyFailure = 'missing_header' | 'invalid_timestamp' | 'timestamp_out_of_tolerance' | 'no_matching_signature';

export type VerifyResult = { ok: true; id: string; timestamp: number } | { ok: false; reason: VerifyFailure };

export interface VerifyWebhookParams {
  /** Request headers; names are matched case-insensitively; array values use the first entry. */
  headers: Record<string, string | string[] | undefined>;
  /** The raw request body exactly as received (before JSON parsing). */
  body: Buffer | string;
  /** Accepted secrets (`whsec_<base64>`); several while a secret is being rotated. */
  secrets: string[];
  /** Allowed distance between webhook-timestamp and now; default 300 s. */
  toleranceSeconds?: number;
  now?: Date;
}

function header(headers: VerifyWebhookParams['headers'], name: string): string | undefined {
  for (const [k, v] of Object.entries(headers)) {
    if (k.toLowerCase() === name) return Array.isArray(v) ? v[0] : v;
  }
  return undefined;
}

/**
 * Verifies a request signed with signWebhook (or any Standard Webhooks sender).
 * Constant-time comparison; rejects stale or future timestamps beyond the tolerance.
 */
export function verifyWebhook(params: VerifyWebhookParams): VerifyResult {
  const id = header(params.headers, WEBHOOK_HEADERS.id);
  const ts = header(params.headers, WEBHOOK_HEADERS.timestamp);
  const sig = header(params.headers, WEBHOOK_HEADERS.signature);
  if (!id || !ts || !sig) return { ok: false, reason: 'missing_header' };
  if (!/^\d{1,12}$/.test(ts)) return { ok: false, reason: 'invalid_timestamp' };
  const timestamp = Number(ts);
  const now = Math.floor((params.now ?? new Date()).getTime() / 1000);
  if (Math.abs(now - timestamp) > (params.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS)) {
    return { ok: false, reason: 'timestamp_out_of_tolerance' };
  }
  const offered = sig
    .split(' ')
    .filter((p) => p.startsWith('v1,'))
    .map((p) => Buffer.from(p.slice(3), 'base64'));
  for (const secret of params.secrets) {
    const expected = Buffer.from(sign(secretKey(secret), id, ts, params.body), 'base64');
    for (const candidate of offered) {
      if (candidate.length === expected.length && timingSafeEqual(candidate, expected)) return { ok: true, id, timestamp };
    }
  }
  return { ok: false, reason: 'no_matching_signature' };
}
