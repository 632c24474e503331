import type { Bus, MessageHandler, ReceivedMessage } from '@ediflow/bus';
import type { ObjectStore } from '@ediflow/store';
import type { Logger } from '@ediflow/logger';
import { AppError, describeError } from '@ediflow/errors';
import { decodeEnvelope, resolveBody, type Envelope } from '@ediflow/messages';
import type { CircuitBreaker } from '../domain/circuit';
import { decide, type AttemptResult, type RetrySettings } from '../domain/policy';
import { endpointQueue, jobHeaders, readJob, type JobState } from '../domain/job';
import type { AlertSink, CallbackSender, TokenSource } from '../domain/ports';
import { signWebhook } from '../domain/signature';
import type { Subscription } from '../domain/subscriptions';
import type { DeadLetter } from '../domain/dead-letter';
import type { DeadLetterStore } from '../adapters/dead-letter-store';
import type { CallbackEvent, TrackingEmitter } from '@ediflow/tracking';
import type { NotifierMetrics } from '../adapters/metrics';

export interface DeliveryContext {
  bus: Bus;
  store: ObjectStore;
  deadLetters: DeadLetterStore;
  sender: CallbackSender;
  tokens: Map<string, TokenSource>;
  circuits: Map<string, CircuitBreaker>;
  metrics: NotifierMetrics;
  alerts: AlertSink;
  logger: Logger;
  clock: () => Date;
  random: () => number;
  retry: RetrySettings;
  defaultTimeoutMs: number;
  /** Aborted when the notifier stops: in-place waits end and their jobs go back to the queue. */
  stopping: AbortSignal;
  /** Where each delivery's outcome is recorded (the tracking service). */
  tracking: TrackingEmitter;
}

interface AttemptOutcome {
  result: AttemptResult;
  status?: number;
  /** How long the HTTP request took, in milliseconds (logged; the deploy's latency figure). */
  ms?: number;
}

/** The JSON document POSTed to subscribers: the envelope with its body resolved (claim-check). */
export function callbackDocument(envelope: Envelope, body: unknown): Buffer {
  const { bodyRef: _ref, body: _inline, ...meta } = envelope;
  return Buffer.from(JSON.stringify({ ...meta, body }), 'utf8');
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

/** Counts circuit transitions into metrics and alerts. */
function recordHealth(ctx: DeliveryContext, sub: Subscription, healthy: boolean, code: string): void {
  const circuit = ctx.circuits.get(sub.id);
  if (!circuit) return;
  if (healthy) {
    if (circuit.success()) {
      ctx.metrics.circuitOpen.set({ endpoint: sub.id }, 0);
      ctx.metrics.openCircuits.dec();
      ctx.logger.info({ endpoint: sub.id }, 'circuit closed');
    }
    return;
  }
  if (circuit.failure()) {
    ctx.metrics.circuitOpen.set({ endpoint: sub.id }, 1);
    ctx.metrics.openCircuits.inc();
    ctx.logger.warn({ endpoint: sub.id, code }, 'circuit opened');
    void ctx.alerts.send({ kind: 'circuit-open', subscriptionId: sub.id, partnerId: sub.partnerId, code });
  }
}

/** One HTTP attempt with auth; never throws for endpoint trouble, only reports it. */
async function attemptOnce(ctx: DeliveryContext, sub: Subscription, envelope: Envelope, payload: Buffer): Promise<AttemptOutcome> {
  const circuit = ctx.circuits.get(sub.id);
  const admission = circuit ? circuit.admit() : { allowed: true as const };
  if (!admission.allowed) {
    ctx.metrics.attempts.inc({ endpoint: sub.id, partner: sub.partnerId, outcome: 'circuit_open' });
    return { result: { kind: 'circuit-open', retryInMs: admission.retryInMs } };
  }
  const headers: Record<string, string> = {
    ...sub.headers,
    'content-type': 'application/json',
    'idempotency-key': envelope.id,
    'user-agent': 'ediflow-notifier/0.1',
  };
  for (const auth of sub.auth) {
    if (auth.type === 'hmac') Object.assign(headers, signWebhook({ id: envelope.id, body: payload, secrets: auth.secrets, now: ctx.clock() }));
  }
  const tokens = ctx.tokens.get(sub.id);
  if (tokens) {
    try {
      headers.authorization = `Bearer ${await tokens.token()}`;
    } catch (err) {
      // The token endpoint is not the subscriber: no circuit change; the delivery retries.
      circuit?.neutral();
      const code = err instanceof AppError ? err.code : 'OAUTH_TOKEN_UNAVAILABLE';
      ctx.metrics.attempts.inc({ endpoint: sub.id, partner: sub.partnerId, outcome: 'retryable' });
      return { result: { kind: 'error', code } };
    }
  }
  const started = process.hrtime.bigint();
  const seconds = () => Number(process.hrtime.bigint() - started) / 1e9;
  try {
    const res = await ctx.sender.send({ subscriptionId: sub.id, url: sub.url, headers, body: payload, timeoutMs: sub.timeoutMs ?? ctx.defaultTimeoutMs });
    const unwell = res.status >= 500 || res.status === 408;
    recordHealth(ctx, sub, !unwell, `HTTP_${res.status}`);
    const ok = res.status >= 200 && res.status < 300;
    const retryable = unwell || res.status === 429 || (res.status === 401 && tokens !== undefined);
    const outcome = ok ? 'success' : retryable ? 'retryable' : 'permanent';
    ctx.metrics.attempts.inc({ endpoint: sub.id, partner: sub.partnerId, outcome });
    ctx.metrics.duration.observe({ endpoint: sub.id, outcome }, seconds());
    if (res.status === 401 && tokens) {
      // The token may have been revoked early: fetch a fresh one for the retry.
      tokens.invalidate();
      return { result: { kind: 'error', code: 'HTTP_401_TOKEN_REJECTED' }, status: 401 };
    }
    return { result: { kind: 'response', status: res.status, retryAfter: res.retryAfter }, status: res.status, ms: Math.round(seconds() * 1000) };
  } catch (err) {
    const code = err instanceof AppError ? err.code : 'NETWORK_ERROR';
    recordHealth(ctx, sub, false, code);
    ctx.metrics.attempts.inc({ endpoint: sub.id, partner: sub.partnerId, outcome: 'retryable' });
    ctx.metrics.duration.observe({ endpoint: sub.id, outcome: 'retryable' }, seconds());
    return { result: { kind: 'error', code } };
  }
}

/**
 * Handles delivery jobs from one endpoint's queue. The job is acknowledged (the
 * handler resolves) only after the callback succeeded, the retry was re-published
 * (broker receipt), or the dead letter is durable in the object store. If that
 * publish or write fails the handler rejects and the bus keeps the job (retry path,
 * never a NACK).
 */
export function createDeliveryHandler(ctx: DeliveryContext, sub: Subscription): MessageHandler {
  const queue = endpointQueue(sub.id);
  return async (message: ReceivedMessage) => {
    const envelope = decodeEnvelope(message.body);
    let state: JobState = readJob(message.headers, sub.id, ctx.clock());
    const log = { endpoint: sub.id, partnerId: sub.partnerId, messageId: envelope.id, fileId: envelope.fileId };

    let payload: Buffer | undefined;
    for (;;) {
      let outcome: AttemptOutcome | undefined;
      if (payload === undefined) {
        try {
          payload = callbackDocument(envelope, await resolveBody(ctx.store, envelope));
        } catch (err) {
          const { code } = describeError(err);
          if (err instanceof AppError && !err.retryable) {
            await deadLetter(ctx, sub, envelope, message, state, { code: 'BODY_NOT_FOUND', reason: `claim-check body could not be read (${code})` });
            return;
          }
          outcome = { result: { kind: 'error', code: 'BODY_UNAVAILABLE' } };
        }
      }
      outcome ??= payload === undefined ? { result: { kind: 'error', code: 'BODY_UNAVAILABLE' } } : await attemptOnce(ctx, sub, envelope, payload);
      const now = ctx.clock();
      const decision = decide({ result: outcome.result, attempt: state.attempt, firstAttemptAt: state.firstAttemptAt, now, settings: ctx.retry, random: ctx.random });
      if (decision.action === 'delivered') {
        ctx.metrics.deliveries.inc({ endpoint: sub.id, partner: sub.partnerId, outcome: 'delivered' });
        ctx.logger.info({ ...log, attempt: state.attempt, status: outcome.status, ms: outcome.ms }, 'callback delivered');
        await track(ctx, sub, envelope, { outcome: 'delivered', attempt: state.attempt, latencyMs: outcome.ms });
        return;
      }
      if (decision.action === 'dead-letter') {
        await deadLetter(ctx, sub, envelope, message, state, { code: decision.code, reason: decision.reason, lastStatus: outcome.status });
        return;
      }
      ctx.logger.warn({ ...log, attempt: state.attempt, code: decision.code, delayMs: decision.delayMs }, 'callback failed; will retry');
      await track(ctx, sub, envelope, { outcome: 'failed', attempt: state.attempt, code: decision.code });
      const next: JobState = { ...state, attempt: decision.nextAttempt };
      if (sub.ordering === 'claim' && !ctx.stopping.aborted) {
        // Ordered endpoint: wait in place so later messages cannot overtake this one.
        const until = Date.now() + decision.delayMs;
        await sleep(decision.delayMs, ctx.stopping);
        if (!ctx.stopping.aborted) {
          state = next;
          continue;
        }
        await ctx.bus.publish(queue, message.body, { headers: jobHeaders(envelope.id, next), delayMs: Math.max(0, until - Date.now()) });
        return;
      }
      // Unordered: the retry is a durable, delayed re-publish; the slot is free at once.
      await ctx.bus.publish(queue, message.body, { headers: jobHeaders(envelope.id, next), delayMs: decision.delayMs });
      return;
    }
  };
}

async function deadLetter(
  ctx: DeliveryContext,
  sub: Subscription,
  envelope: Envelope,
  message: ReceivedMessage,
  state: JobState,
  why: { code: string; reason: string; lastStatus?: number },
): Promise<void> {
  const d: DeadLetter = {
    version: 1,
    messageId: envelope.id,
    subscriptionId: sub.id,
    partnerId: envelope.partnerId,
    fileId: envelope.fileId,
    code: why.code,
    reason: why.reason,
    attempts: state.attempt,
    lastStatus: why.lastStatus,
    firstAttemptAt: state.firstAttemptAt.toISOString(),
    deadLetteredAt: ctx.clock().toISOString(),
    replays: state.replays,
    groupId: state.groupId,
    envelope: message.body.toString('utf8'),
  };
  await ctx.deadLetters.put(d);
  ctx.metrics.deliveries.inc({ endpoint: sub.id, partner: sub.partnerId, outcome: 'dead_lettered' });
  ctx.metrics.deadLetters.inc({ endpoint: sub.id, partner: sub.partnerId });
  ctx.logger.error({ endpoint: sub.id, partnerId: sub.partnerId, messageId: envelope.id, fileId: envelope.fileId, code: why.code, attempts: state.attempt }, 'callback dead-lettered');
  void ctx.alerts.send({ kind: 'dead-letter', subscriptionId: sub.id, partnerId: sub.partnerId, code: why.code, messageId: envelope.id });
  await track(ctx, sub, envelope, { outcome: 'dead_lettered', attempt: state.attempt, code: why.code });
}

/** Records a delivery step for tracking (at least once: a failure here retries the job). */
function track(ctx: DeliveryContext, sub: Subscription, envelope: Envelope, step: Pick<CallbackEvent, 'outcome' | 'attempt' | 'latencyMs' | 'code'>): Promise<void> {
  return ctx.tracking.emit({
    kind: 'callback',
    messageId: envelope.id,
    subscriptionId: sub.id,
    partnerId: envelope.partnerId,
    fileId: envelope.fileId,
    ...step,
    at: ctx.clock().toISOString(),
  });
}
