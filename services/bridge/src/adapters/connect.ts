import { readFileSync } from 'node:fs';
import { createBus, type Bus, type StompBusOptions } from '@ediflow/bus';
import type { EndpointConfig } from '../domain/routes';

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

/** The default connector: a StompBus over the endpoint's URLs (rotating on failure), or a MemoryBus for `memory`. */
export function connectEndpoint(endpoint: BridgeEndpoint, options: BridgeBusOptions = {}): Bus {
  const tls = endpoint.config.tls;
  return createBus(endpoint.config.urls.join(','), {
    ...options,
    login: endpoint.login,
    passcode: endpoint.passcode,
    tls: tls && {
      ca: endpoint.pem?.ca ?? (tls.caFile === undefined ? undefined : readFileSync(tls.caFile)),
      cert: endpoint.pem?.cert ?? (tls.certFile === undefined ? undefined : readFileSync(tls.certFile)),
      key: endpoint.pem?.key ?? (tls.keyFile === undefined ? undefined : readFileSync(tls.keyFile)),
      servername: tls.servername,
      rejectUnauthorized: tls.rejectUnauthorized,
    },
  });
}
