import { Agent, request } from 'undici';
import { UnavailableError } from '@ediflow/errors';
import type { CallbackRequest, CallbackResponse, CallbackSender } from '../domain/ports';

/** TLS client material for an endpoint that wants mutual TLS. */
export interface ClientTls {
  cert: string;
  key: string;
  ca?: string;
  passphrase?: string;
}

export interface HttpSenderOptions {
  /** Per-endpoint settings: connections kept alive at most, and mTLS material. */
  endpoints: Record<string, { connections: number; tls?: ClientTls }>;
  /** Idle keep-alive sockets are closed after this long; default 30 s. */
  keepAliveTimeoutMs?: number;
  /** Response bytes read (and discarded) at most; default 64 KiB. */
  maxResponseBytes?: number;
}

/** Maps an undici/socket failure to a stable, PHI-free code (never the URL: it may carry tokens). */
export function transportErrorCode(err: unknown): string {
  const e = err as { code?: unknown; name?: unknown };
  const code = typeof e?.code === 'string' ? e.code : '';
  const name = typeof e?.name === 'string' ? e.name : '';
  if (name === 'TimeoutError' || name === 'AbortError' || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' || code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'ETIMEDOUT') {
    return 'TIMEOUT';
  }
  if (code === 'ECONNREFUSED') return 'CONNECTION_REFUSED';
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET' || code === 'EPIPE' || code === 'UND_ERR_CLOSED') return 'CONNECTION_RESET';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'DNS_FAILURE';
  if (code.startsWith('ERR_TLS') || code.startsWith('CERT_') || code.includes('SSL')) return 'TLS_FAILURE';
  return 'NETWORK_ERROR';
}

/**
 * Sends callbacks with undici: one keep-alive Agent per endpoint (so mTLS material
 * and connection limits stay per endpoint), an overall deadline per attempt, and
 * the response body drained (bounded) so sockets return to the pool.
 */
export function createHttpSender(options: HttpSenderOptions): CallbackSender {
  const agents = new Map<string, Agent>();
  const keepAliveTimeout = options.keepAliveTimeoutMs ?? 30_000;
  const maxResponseBytes = options.maxResponseBytes ?? 64 * 1024;

  const agentFor = (subscriptionId: string): Agent => {
    let agent = agents.get(subscriptionId);
    if (!agent) {
      const settings = options.endpoints[subscriptionId] ?? { connections: 4 };
      agent = new Agent({
        connections: settings.connections,
        keepAliveTimeout,
        keepAliveMaxTimeout: Math.max(keepAliveTimeout, 60_000),
        connect: settings.tls ? { cert: settings.tls.cert, key: settings.tls.key, ca: settings.tls.ca, passphrase: settings.tls.passphrase } : undefined,
      });
      agents.set(subscriptionId, agent);
    }
    return agent;
  };

  return {
    async send(req: CallbackRequest): Promise<CallbackResponse> {
      const signal = AbortSignal.timeout(req.timeoutMs);
      try {
        const res = await request(req.url, {
          method: 'POST',
          headers: req.headers,
          body: req.body,
          dispatcher: agentFor(req.subscriptionId),
          headersTimeout: req.timeoutMs,
          bodyTimeout: req.timeoutMs,
          signal,
        });
        // Read (and discard) what the endpoint sent. A connection dropped mid-response
        // rejects here and the attempt is retried: the receiver dedupes by Idempotency-Key.
        let read = 0;
        for await (const chunk of res.body) {
          read += (chunk as Buffer).length;
          if (read > maxResponseBytes) {
            res.body.destroy();
            break;
          }
        }
        const retryAfter = res.headers['retry-after'];
        return { status: res.statusCode, retryAfter: Array.isArray(retryAfter) ? retryAfter[0] : retryAfter };
      } catch (err) {
        const code = transportErrorCode(err);
        throw new UnavailableError(code, `callback to endpoint ${req.subscriptionId} failed: ${code}`, { cause: err, details: { subscriptionId: req.subscriptionId } });
      }
    },
    async close(): Promise<void> {
      const all = [...agents.values()];
      agents.clear();
      await Promise.all(all.map((a) => a.close().catch(() => a.destroy())));
    },
  };
}
