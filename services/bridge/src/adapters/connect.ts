import { readFileSync } from 'node:fs';
import { createBus, stompDialect, type Bus, type StompBusOptions, type StompTlsOptions } from '@ediflow/bus';
import type { KeySource } from '../domain/mapping';
import { protocolOf, type EndpointConfig } from '../domain/routes';
import { AmqpBus } from './amqp-bus';

/** An endpoint of the routes file with its credentials read from the environment. */
export interface BridgeEndpoint {
  name: string;
  config: EndpointConfig;
  login?: string;
  passcode?: string;
  /** TLS material given by environment variable (tls caEnv/certEnv/keyEnv), PEM text. */
  pem?: { ca?: string; cert?: string; key?: string };
}

/** Connection tuning shared by every endpoint (see config.ts). */
export type BridgeBusOptions = Pick<
  StompBusOptions,
  'heartbeatMs' | 'connectAttemptTimeoutMs' | 'connectTimeoutMs' | 'publishTimeoutMs' | 'reconnectInitialDelayMs' | 'reconnectMaxDelayMs' | 'closeTimeoutMs' | 'logger'
>;

function tlsOf(endpoint: BridgeEndpoint): StompTlsOptions | undefined {
  const tls = endpoint.config.tls;
  return (
    tls && {
      ca: endpoint.pem?.ca ?? (tls.caFile === undefined ? undefined : readFileSync(tls.caFile)),
      cert: endpoint.pem?.cert ?? (tls.certFile === undefined ? undefined : readFileSync(tls.certFile)),
      key: endpoint.pem?.key ?? (tls.keyFile === undefined ? undefined : readFileSync(tls.keyFile)),
      servername: tls.servername,
      rejectUnauthorized: tls.rejectUnauthorized,
    }
  );
}

/**
 * The default connector: by the URLs' protocol, a StompBus in the endpoint's broker dialect,
 * an AmqpBus (AMQP 1.0), or a MemoryBus for `memory`; rotating over the URLs on failure.
 */
export function connectEndpoint(endpoint: BridgeEndpoint, options: BridgeBusOptions = {}): Bus {
  const { config } = endpoint;
  const common = { ...options, login: endpoint.login, passcode: endpoint.passcode, tls: tlsOf(endpoint), kind: config.kind, virtualHost: config.virtualHost };
  if (protocolOf(config.urls[0]) === 'amqp') return new AmqpBus(config.urls, common);
  return createBus(config.urls.join(','), common);
}

/**
 * Where the idempotency keys of an endpoint's messages come from: its broker id, and the
 * header that names a message on every delivery: the STOMP dialect's (ActiveMQ and Artemis
 * message-id, RabbitMQ amqp-message-id), AMQP 1.0's message-id property (set by the
 * producer, never by a delivery), none for the in-memory bus.
 */
export function keySourceOf(name: string, config: EndpointConfig): KeySource {
  const protocol = protocolOf(config.urls[0]);
  return {
    brokerId: config.brokerId ?? name,
    stableIdHeader: protocol === 'amqp' ? 'message-id' : protocol === 'memory' ? undefined : stompDialect(config.kind).stableIdHeader,
  };
}
