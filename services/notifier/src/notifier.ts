import { noTracking, type TrackingEmitter } from '@ediflow/tracking';
import type { Router } from 'express';
import type { Registry } from 'prom-client';
import type { Bus, Subscription as BusSubscription } from '@ediflow/bus';
import type { ObjectStore } from '@ediflow/store';
import type { Logger } from '@ediflow/logger';
import { DEFAULT_SETTINGS } from './config';
import { CircuitBreaker } from './domain/circuit';
import { endpointQueue } from './domain/job';
import type { RetrySettings } from './domain/policy';
import type { CallbackSender, TokenSource } from './domain/ports';
import type { SubscriptionsDocument } from './domain/subscriptions';
import { rateLimitedAlerts } from './domain/alert-limiter';
import { createHttpSender } from './adapters/http-sender';
import { createTokenClient } from './adapters/oauth2';
import { createDeadLetterStore } from './adapters/dead-letter-store';
import { fromSubjectAlertSink } from './adapters/alerts';
import { createLogAlerts, type AlertSink } from '@ediflow/alerts';
import { createMetrics } from './adapters/metrics';
import { createDeliveryHandler, type DeliveryContext } from './entry-points/delivery';
import { createFanoutHandler } from './entry-points/fanout';
import { createDeadLetterAdmin, type DeadLetterAdmin } from './entry-points/dead-letter-admin';
import { createReplayRouter } from './entry-points/replay-http';

/** Delivery settings; every field has a production default (see config.ts). */
export interface NotifierSettings {
  maxAttempts: number;
  maxAgeMs: number;
  retryBaseDelayMs: number;
  retryMaxDelayMs: number;
  /** Per-attempt timeout when a subscription sets none. */
  timeoutMs: number;
  /** Requests in flight per endpoint (per process) when a subscription sets none. */
  concurrency: number;
  circuitFailureThreshold: number;
  circuitOpenMs: number;
  /** At most one alert per kind and endpoint per window. */
  alertIntervalMs: number;
  /** TransactionTranslated messages being fanned out at once. */
  fanoutPrefetch: number;
  /** Bearer token for the replay endpoint; no router when unset. */
  replayToken?: string;
  /** Input destination; DESTINATIONS.transactionTranslated by default. */
  inputDestination: string;
}


export { DEFAULT_SETTINGS };

export interface NotifierDeps {
  bus: Bus;
  store: ObjectStore;
  logger: Logger;
  registry: Registry;
  subscriptions: SubscriptionsDocument;
  clock?: () => Date;
  random?: () => number;
  /** Where alerts go (@ediflow/alerts: SNS in production); the log when omitted. Rate-limited here per kind and endpoint. */
  alerts?: AlertSink;
  settings?: Partial<NotifierSettings>;
  /** Replaces the undici sender (tests of the orchestration only). */
  sender?: CallbackSender;
  /** Where delivery outcomes are recorded (the tracking service); nowhere when omitted. */
  tracking?: TrackingEmitter;
}

export interface Notifier {
  /** Subscribes to the input queue and every endpoint queue. The bus must be connected. */
  start(): Promise<void>;
  /** Stops taking work, waits for in-flight deliveries (bounded by their timeouts), closes sockets. */
  stop(): Promise<void>;
  /** Authenticated dead-letter routes (mount under e.g. /admin); present when replayToken is set. */
  router?: Router;
  /** List and replay dead letters (for `edi dlq list|replay`). */
  deadLetters: DeadLetterAdmin;
  /** True while started and the bus is connected. */
  isReady(): boolean;
}

/**
 * The notifier: TransactionTranslated -> one delivery job per subscribed endpoint
 * (own queue each) -> signed JSON POST with Idempotency-Key, retries by delayed
 * re-publish, circuit breaker per endpoint, dead letters in the object store.
 */
export function createNotifier(deps: NotifierDeps): Notifier {
  const settings: NotifierSettings = { ...DEFAULT_SETTINGS, ...deps.settings };
  const clock = deps.clock ?? (() => new Date());
  const random = deps.random ?? Math.random;
  const logger = deps.logger.child({ component: 'notifier' });
  const doc = deps.subscriptions;
  const metrics = createMetrics(deps.registry);
  const deadLetters = createDeadLetterStore(deps.store);
  const sink = fromSubjectAlertSink(deps.alerts ?? createLogAlerts(logger));
  const alerts = rateLimitedAlerts(sink, {
    windowMs: settings.alertIntervalMs,
    clock,
    onError: (err) => logger.warn({ err: String((err as Error)?.name ?? err) }, 'alert could not be sent'),
  });

  const sender =
    deps.sender ??
    createHttpSender({
      endpoints: Object.fromEntries(
        doc.subscriptions.map((s) => {
          const tls = s.auth.find((a) => a.type === 'mtls');
          return [s.id, { connections: s.maxConcurrency ?? settings.concurrency, tls: tls?.type === 'mtls' ? tls : undefined }];
        }),
      ),
    });
  const tokens = new Map<string, TokenSource>();
  const circuits = new Map<string, CircuitBreaker>();
  for (const s of doc.subscriptions) {
    const oauth = s.auth.find((a) => a.type === 'oauth2');
    if (oauth?.type === 'oauth2') tokens.set(s.id, createTokenClient(oauth, { clock }));
    circuits.set(s.id, new CircuitBreaker({ failureThreshold: settings.circuitFailureThreshold, openMs: settings.circuitOpenMs }, clock));
    metrics.circuitOpen.set({ endpoint: s.id }, 0);
  }

  const retry: RetrySettings = {
    maxAttempts: settings.maxAttempts,
    maxAgeMs: settings.maxAgeMs,
    baseDelayMs: settings.retryBaseDelayMs,
    maxDelayMs: settings.retryMaxDelayMs,
  };
  const stopping = new AbortController();
  const ctx: DeliveryContext = {
    bus: deps.bus,
    store: deps.store,
    deadLetters,
    sender,
    tokens,
    circuits,
    metrics,
    alerts,
    logger,
    clock,
    random,
    retry,
    defaultTimeoutMs: settings.timeoutMs,
    stopping: stopping.signal,
    tracking: deps.tracking ?? noTracking,
  };
  const admin = createDeadLetterAdmin({
    tracking: deps.tracking,
    bus: deps.bus,
    deadLetters,
    clock,
    logger,
    knownSubscriptions: () => new Set(doc.subscriptions.map((s) => s.id)),
  });

  let input: BusSubscription | undefined;
  let endpoints: BusSubscription[] = [];
  let started = false;

  return {
    deadLetters: admin,
    router: settings.replayToken ? createReplayRouter({ admin, token: settings.replayToken }) : undefined,
    isReady: () => started && deps.bus.isConnected(),
    async start() {
      if (started) return;
      for (const s of doc.subscriptions) {
        const prefetch = s.ordering === 'claim' ? 1 : (s.maxConcurrency ?? settings.concurrency);
        // The bus's own retry only runs when a re-publish or dead-letter write failed.
        endpoints.push(await deps.bus.subscribe(endpointQueue(s.id), createDeliveryHandler(ctx, s), { prefetch, maxAttempts: 20 }));
      }
      input = await deps.bus.subscribe(
        settings.inputDestination,
        createFanoutHandler({ bus: deps.bus, store: deps.store, logger, clock, subscriptions: () => doc }),
        { prefetch: settings.fanoutPrefetch },
      );
      started = true;
      logger.info({ endpoints: doc.subscriptions.length }, 'notifier started');
    },
    async stop() {
      started = false;
      await input?.close();
      input = undefined;
      stopping.abort();
      await Promise.all(endpoints.map((e) => e.close()));
      endpoints = [];
      await sender.close();
      logger.info('notifier stopped');
    },
  };
}
