/** Ports the notifier's domain needs, sized to it. Adapters implement them. */

/** One HTTP request to a subscriber; the adapter applies transport-level auth (mTLS). */
export interface CallbackRequest {
  subscriptionId: string;
  url: string;
  headers: Record<string, string>;
  body: Buffer;
  timeoutMs: number;
}

/** The answer; transport failures (refused, reset, timeout) reject with a retryable AppError. */
export interface CallbackResponse {
  status: number;
  /** Raw Retry-After header, when sent. */
  retryAfter?: string;
}

export interface CallbackSender {
  send(request: CallbackRequest): Promise<CallbackResponse>;
  close(): Promise<void>;
}

/** Supplies a bearer token for an endpoint (OAuth2 client credentials). */
export interface TokenSource {
  token(): Promise<string>;
  /** Drops the cached token (after the endpoint answered 401). */
  invalidate(): void;
}

/** An operational alert: ids and codes only, never PHI. */
export interface Alert {
  kind: 'dead-letter' | 'circuit-open';
  subscriptionId: string;
  partnerId: string;
  /** Stable code of the last failure. */
  code: string;
  /** Message id (a hash) for dead letters. */
  messageId?: string;
  /** Alerts of this kind for this endpoint held back by the rate limit since the last one sent. */
  suppressed?: number;
}

/** Where the notifier's structured alerts go (rate-limited, then handed to an @ediflow/alerts sink). */
export interface AlertSink {
  send(alert: Alert): Promise<void>;
}
