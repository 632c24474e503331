import type { Registry } from 'prom-client';
import type { AlertSink } from '@ediflow/alerts';
import type { Bus, Subscription } from '@ediflow/bus';
import { ConfigError, describeError } from '@ediflow/errors';
import type { Logger } from '@ediflow/logger';
import { resolveDeadLetter, type RoutesDocument } from './domain/routes';
import { connectEndpoint, keySourceOf, type BridgeBusOptions, type BridgeEndpoint } from './adapters/connect';
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
   * Builds the Bus of an endpoint; default: connectEndpoint (STOMP or AMQP 1.0 over its URLs).
   * A source endpoint with failover "independent" gets one Bus per URL, each built from a copy
   * of the endpoint with that one URL and the name `<endpoint>@<host:port>`.
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
  /**
   * True only while every endpoint the routes use is connected with its subscriptions
   * confirmed (an independent source: at least one of its brokers) and no route's target
   * refuses its destination.
   */
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

  // One connection per endpoint that routes send to (target or dead-letter side); a source
  // shares it, except an independent failover list, consumed through one connection per broker.
  const independent = (name: string): boolean => routes.endpoints[name].failover === 'independent' && routes.endpoints[name].urls.length > 1;
  const sending = new Set<string>();
  const consuming = new Set<string>();
  for (const route of routes.routes) {
    (independent(route.from.endpoint) ? consuming : sending).add(route.from.endpoint);
    sending.add(route.to.endpoint);
    sending.add(resolveDeadLetter(route).endpoint);
  }
  const resolved = new Map([...new Set([...sending, ...consuming])].map((name) => [name, resolveEndpoint(name, routes, env)]));
  const buses = new Map<string, Bus>();
  const gates = new Map<string, SendGate>();
  for (const name of sending) {
    buses.set(name, connect(resolved.get(name) as BridgeEndpoint));
    gates.set(name, new SendGate());
  }
  /** Per independent source endpoint: its per-broker buses, by `<endpoint>@<host:port>`. */
  const sourceBuses = new Map<string, Map<string, Bus>>();
  for (const name of consuming) {
    const endpoint = resolved.get(name) as BridgeEndpoint;
    const perBroker = new Map<string, Bus>();
    for (const url of endpoint.config.urls) {
      const label = `${name}@${/^[a-z+]+:\/\/([^/?]+)/i.exec(url)?.[1] ?? url}`;
      perBroker.set(label, connect({ ...endpoint, name: label, config: { ...endpoint.config, urls: [url] } }));
    }
    sourceBuses.set(name, perBroker);
  }
  const bus = (name: string): Bus => buses.get(name) as Bus;
  const sourcesOf = (name: string): Array<[string, Bus]> => (sourceBuses.has(name) ? [...(sourceBuses.get(name) as Map<string, Bus>)] : [[name, bus(name)]]);
  const allBuses = (): Array<[string, Bus]> => [...buses, ...[...sourceBuses.values()].flatMap((m) => [...m])];
  const connectedMap = (): Record<string, boolean> => Object.fromEntries(allBuses().map(([name, b]) => [name, b.isConnected()]));
  const metrics = createBridgeMetrics(deps.registry, connectedMap);
  /** Routes whose target refuses the destination right now. */
  const blocked = new Set<string>();

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
        allBuses().map(async ([name, b]) => {
          try {
            await b.connect();
          } catch (err) {
            logger.warn({ endpoint: name, err: describeError(err) }, 'endpoint not connected yet; still trying');
          }
        }),
      );
      for (const route of routes.routes) {
        const keySource = keySourceOf(route.from.endpoint, routes.endpoints[route.from.endpoint]);
        for (const [sourceName, source] of sourcesOf(route.from.endpoint)) {
          // Independent brokers: each one's messages are its own, so its host is part of the key.
          const brokerId = sourceName === route.from.endpoint ? keySource.brokerId : `${keySource.brokerId}${sourceName.slice(route.from.endpoint.length)}`;
          subscriptions.push(
            await startRoute({
              route,
              keySource: { ...keySource, brokerId },
              source,
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
              targetRefused: (refused) => {
                if (refused) blocked.add(route.name);
                else blocked.delete(route.name);
              },
            }),
          );
        }
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
      if (deps.connect === undefined) await Promise.all(allBuses().map(([, b]) => b.close()));
    },
    isReady() {
      return (
        started &&
        !stopping &&
        blocked.size === 0 &&
        [...buses.values()].every((b) => b.isConnected()) &&
        [...sourceBuses.values()].every((m) => [...m.values()].some((b) => b.isConnected()))
      );
    },
  };
}
