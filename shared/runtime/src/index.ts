import { Registry } from 'prom-client';
import { createBus, type Bus } from '@ediflow/bus';
import type { CommonConfig } from '@ediflow/config';
import { createHttpApp, type HttpApp, type ReadinessCheck } from '@ediflow/http';
import { createLifecycle, type Lifecycle } from '@ediflow/lifecycle';
import { createLogger, type Logger } from '@ediflow/logger';
import { createObjectStore, type ObjectStore, type ObjectStoreConfig } from '@ediflow/store';
import { describeError } from '@ediflow/errors';
import { createTrackingEmitter, noTracking, type TrackingEmitter } from '@ediflow/tracking';

/** The object store the common configuration names (embedded folder, or S3 / an S3-protocol server). */
export function storeConfigFrom(config: CommonConfig): ObjectStoreConfig {
  if (config.STORE_KIND === 's3') {
    return {
      kind: 's3',
      bucket: config.S3_BUCKET,
      region: config.S3_REGION,
      endpoint: config.S3_ENDPOINT,
      forcePathStyle: config.S3_FORCE_PATH_STYLE,
      sseKmsKeyId: config.S3_SSE_KMS_KEY_ID,
    };
  }
  return { kind: 'embedded', root: config.STORE_ROOT };
}

export interface Runtime {
  logger: Logger;
  /** Tracking events to the bus, or nowhere when TRACKING_EVENTS is false. */
  tracking: TrackingEmitter;
  registry: Registry;
  bus: Bus;
  store: ObjectStore;
  lifecycle: Lifecycle;
  http: HttpApp;
}

/**
 * Everything a service process needs besides its own logic, built from the common
 * configuration. `main.ts` of each service: load config, createRuntime, build the
 * service from runtime parts, then `run()`.
 */
export interface RuntimeOptions {
  /** Readiness checks beyond the broker's and the store's. */
  readiness?: Record<string, ReadinessCheck>;
  /** How long closing a subscription waits for its handlers (default 20 s); a process running several services sets less. */
  busCloseTimeoutMs?: number;
}

export function createRuntime(service: string, config: CommonConfig, options: RuntimeOptions = {}): Runtime {
  const extraReadiness = options.readiness ?? {};
  const logger = createLogger({ service, level: config.LOG_LEVEL });
  const registry = new Registry();
  const bus = createBus(config.BROKER_URL, {
    login: config.BROKER_LOGIN,
    passcode: config.BROKER_PASSCODE,
    logger,
    journalDir: config.BUS_DIR,
    closeTimeoutMs: options.busCloseTimeoutMs,
  });
  const store = createObjectStore(storeConfigFrom(config));
  const lifecycle = createLifecycle({ logger });
  const tracking = config.TRACKING_EVENTS ? createTrackingEmitter({ bus, store, inlineLimitBytes: config.MESSAGE_INLINE_LIMIT_BYTES }) : noTracking;
  const http = createHttpApp({
    logger,
    registry,
    readiness: { broker: () => bus.isConnected(), store: () => store.isReady(), ...extraReadiness },
  });
  return { logger, registry, bus, store, lifecycle, http, tracking };
}

/**
 * Starts a service process: HTTP first (so /healthz answers during start-up), then the
 * broker connection, then the service's work. Shutdown order: stop taking work, close
 * the bus, close HTTP. A failure to start is logged by code and exits 1.
 */
export async function runService(
  rt: Runtime,
  config: CommonConfig,
  service: { start(): Promise<void>; stop(): Promise<void> },
): Promise<void> {
  rt.lifecycle.install();
  rt.lifecycle.onShutdown('stop taking work', () => service.stop());
  rt.lifecycle.onShutdown('close bus', () => rt.bus.close());
  rt.lifecycle.onShutdown('close http', () => rt.http.close());
  try {
    rt.http.finish();
    await rt.http.listen(config.HTTP_PORT, config.HTTP_HOST);
    await rt.bus.connect();
    await service.start();
    rt.logger.info({ port: config.HTTP_PORT }, 'service started');
  } catch (err) {
    rt.logger.fatal({ err: describeError(err) }, 'service failed to start');
    await rt.lifecycle.shutdown('start failed', { failed: true });
  }
}
