import type { Registry } from 'prom-client';
import type { AlertSink } from '@ediflow/alerts';
import type { Bus, Subscription } from '@ediflow/bus';
import { ConfigError, describeError } from '@ediflow/errors';
import type { Logger } from '@ediflow/logger';
import { resolveDeadLetter, type RoutesDocument } from './domain/routes';
import { connectEndpoint, type BridgeBusOptions, type BridgeEndpoint } from './adapters/connect';
import { SendGate } from './adapters/gate';
import { createBridgeMetrics } from './adapters/metrics';
import { startRoute } from './entry-points/route-consumer';

export interface BridgeServiceDeps {
  routes: RoutesDocument;
  logger: Logger;
  /** prom-client registry the /metrics endpoint serves. */
  registry: Registry;
  /** Dead-letter alerts (SNS in AWS); none when omitted (dead letters are still logged and counted). */
  alerts?: AlertSink;
  /**
   * Builds the Bus of an endpoint; default: StompBus over its URLs (connectEndpoint).
   * Buses from this function belong to the caller: stop() closes the bridge's
   * subscriptions on them but not the buses. Buses of the default connector are closed.
   */
  connect?: (endpoint: BridgeEndpoint) => Bus;
  /** Where loginEnv/passcodeEnv and tls caEnv/certEnv/keyEnv are looked up; process.env by default. */
  env?: Record<string, string | undefined>;
  /** Tuning for the default connector. */
  busOptions?: BridgeBusOptions;
  /** Backoff between sends while a target is down or refusing; defaults 200 ms and 5000 ms. */
  retryBaseDelayMs?: number;
  retryMaxDelayMs?: number;
  random?: () => number;
  now?: () => number;
}

export interface BridgeService {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** True only while every endpoint the routes use is connected. */
  isReady(): boolean;
}

/** Reads an endpoint's credentials and TLS material named by variable from the environment; ConfigError naming the variable when unset. */
export function resolveEndpoint(name: string, routes: RoutesDocument, env: Record<string, string | undefined>): BridgeEndpoint {
  const config = routes.endpoints[name];
  const read = (variable: string | undefined): string | undefined => {
    if (variable === undefined) return undefined;
    const value = env[variable];
    if (value === undefined || value === '') throw new ConfigError([variable], `${variable} is not set (credentials of bridge endpoint "${name}")`);
    return value;
  };
  const tls = config.tls;
  const pem = tls && { ca: read(tls.caEnv), cert: read(tls.certEnv), key: read(tls.keyEnv) };
  return { name, config, login: read(config.loginEnv), passcode: read(config.passcodeEnv), ...(pem && (pem.ca || pem.cert || pem.key) ? { pem } : {}) };
}

export function createBridgeService(deps: BridgeServiceDeps): BridgeService {
  const { routes, logger } = deps;
  const env = deps.env ?? process.env;
  const connect = deps.connect ?? ((endpoint: BridgeEndpoint) => connectEndpoint(endpoint, { logger: logger.child({ endpoint: endpoint.name }), ...deps.busOptions }));

  // One connection per endpoint used by any route (as source, target or dead-letter side).
  const used = new Set<string>();
  for (const route of routes.routes) {
    used.add(route.from.endpoint);
    used.add(route.to.endpoint);
    used.add(resolveDeadLetter(route).endpoint);
  }
  const endpoints = [...used].map((name) => resolveEndpoint(name, routes, env));
  const buses = new Map<string, Bus>();
  const gates = new Map<string, SendGate>();
  for (const endpoint of endpoints) {
    buses.set(endpoint.name, connect(endpoint));
    gates.set(endpoint.name, new SendGate());
  }
  const bus = (name: string): Bus => buses.get(name) as Bus;
  const connectedMap = (): Record<string, boolean> => Object.fromEntries([...buses].map(([name, b]) => [name, b.isConnected()]));
  const metrics = createBridgeMetrics(deps.registry, connectedMap);

  let stopping = false;
  let started = false;
  const stopWakers = new Set<() => void>();
  const subscriptions: Subscription[] = [];

  return {
    async start() {
      if (started) return;
      started = true;
      // connect() starts the reconnect loop at once; a broker down at start-up is retried in the background.
      await Promise.all(
        [...buses].map(async ([name, b]) => {
          try {
            await b.connect();
          } catch (err) {
            logger.warn({ endpoint: name, err: describeError(err) }, 'endpoint not connected yet; still trying');
          }
        }),
      );
      for (const route of routes.routes) {
        const source = routes.endpoints[route.from.endpoint];
        subscriptions.push(
          await startRoute({
            route,
            sourceBrokerId: source.brokerId ?? route.from.endpoint,
            source: bus(route.from.endpoint),
            target: bus(route.to.endpoint),
            targetGate: gates.get(route.to.endpoint) as SendGate,
            deadLetterBus: bus(resolveDeadLetter(route).endpoint),
            logger,
            metrics,
            alerts: deps.alerts,
            retryBaseDelayMs: deps.retryBaseDelayMs ?? 200,
            retryMaxDelayMs: deps.retryMaxDelayMs ?? 5000,
            random: deps.random ?? Math.random,
            now: deps.now ?? Date.now,
            stopping: () => stopping,
            onStop: (wake) => {
              stopWakers.add(wake);
              return () => stopWakers.delete(wake);
            },
          }),
        );
        logger.info({ route: route.name, from: route.from.endpoint, to: route.to.endpoint }, 'route started');
      }
    },
    async stop() {
      if (stopping) return;
      stopping = true;
      for (const wake of [...stopWakers]) wake();
      stopWakers.clear();
      // Sends already waiting for a receipt finish and are acknowledged; the rest are released.
      await Promise.all(subscriptions.map((s) => s.close()));
      if (deps.connect === undefined) await Promise.all([...buses.values()].map((b) => b.close()));
    },
    isReady() {
      return started && !stopping && [...buses.values()].every((b) => b.isConnected());
    },
  };
}
