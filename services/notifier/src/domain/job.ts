/**
 * Delivery jobs: the notifier fans each TransactionTranslated message out into one
 * job per matching subscription, on that subscription's own queue, so a slow or
 * broken endpoint only ever holds up its own queue. The job body is the original
 * envelope frame; the delivery state travels in headers.
 */
export const JOB_HEADERS = {
  idempotencyKey: 'idempotency-key',
  subscription: 'x-notifier-subscription',
  attempt: 'x-notifier-attempt',
  firstAttemptAt: 'x-notifier-first-attempt-at',
  replays: 'x-notifier-replays',
  /** Set on send so the broker keeps a group on one consumer; STOMP does not hand it back. */
  groupId: 'JMSXGroupID',
  /** The group again, in a header that survives the STOMP round trip. */
  group: 'x-group',
  transactionSet: 'x-transaction-set',
} as const;

export function endpointQueue(subscriptionId: string): string {
  return `/queue/edi.notifier.endpoint.${subscriptionId}`;
}

export interface JobState {
  subscriptionId: string;
  attempt: number;
  firstAttemptAt: Date;
  /** Times this delivery was replayed from a dead letter. */
  replays: number;
  groupId?: string;
}

export function jobHeaders(messageId: string, state: JobState): Record<string, string> {
  const h: Record<string, string> = {
    [JOB_HEADERS.idempotencyKey]: messageId,
    [JOB_HEADERS.subscription]: state.subscriptionId,
    [JOB_HEADERS.attempt]: String(state.attempt),
    [JOB_HEADERS.firstAttemptAt]: state.firstAttemptAt.toISOString(),
    [JOB_HEADERS.replays]: String(state.replays),
  };
  if (state.groupId !== undefined) {
    h[JOB_HEADERS.groupId] = state.groupId;
    h[JOB_HEADERS.group] = state.groupId;
  }
  return h;
}

/** Job state from headers; missing or malformed values fall back to a first attempt now. */
export function readJob(headers: Record<string, string>, subscriptionId: string, now: Date): JobState {
  const attempt = Number.parseInt(headers[JOB_HEADERS.attempt] ?? '', 10);
  const first = Date.parse(headers[JOB_HEADERS.firstAttemptAt] ?? '');
  const replays = Number.parseInt(headers[JOB_HEADERS.replays] ?? '', 10);
  const groupId = groupOf(headers);
  return {
    subscriptionId,
    attempt: Number.isInteger(attempt) && attempt >= 1 ? attempt : 1,
    firstAttemptAt: Number.isNaN(first) ? now : new Date(first),
    replays: Number.isInteger(replays) && replays >= 0 ? replays : 0,
    groupId: groupId === undefined || groupId === '' ? undefined : groupId,
  };
}

/** The ordering group of a message: JMSXGroupID when the transport hands it over, else x-group. */
export function groupOf(headers: Record<string, string>): string | undefined {
  const g = headers[JOB_HEADERS.groupId] ?? headers.jmsxgroupid ?? headers[JOB_HEADERS.group];
  return g === undefined || g === '' ? undefined : g;
}

/**
 * The transaction set (ST01) of a TransactionTranslated message: the x-transaction-set
 * header when the translator sets it, else a `transactionSet` field of the inline body.
 */
export function transactionSetOf(headers: Record<string, string>, body: unknown): string | undefined {
  const h = headers[JOB_HEADERS.transactionSet];
  if (h) return h;
  if (body !== null && typeof body === 'object') {
    const b = body as Record<string, unknown>;
    for (const field of ['transactionSet', 'transactionSetId', 'transactionSetIdentifierCode']) {
      if (typeof b[field] === 'string') return b[field];
    }
  }
  return undefined;
}
