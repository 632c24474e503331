/**
 * Broker URLs: `stomp://host:port`, `stomp+ssl://host:port`, a failover list as Amazon MQ
 * prints it (`failover:(stomp+ssl://a:61614,stomp+ssl://b:61614)`, query ignored), or a
 * comma-separated list. `user:pass@` in a URL gives login and passcode.
 */
import { ConfigError } from '@ediflow/errors';

export interface BrokerEndpoint {
  host: string;
  port: number;
  tls: boolean;
  login?: string;
  passcode?: string;
}

const SCHEMES: Record<string, { tls: boolean; port: number }> = {
  'stomp:': { tls: false, port: 61613 },
  'stomp+ssl:': { tls: true, port: 61614 },
  'stomp+tls:': { tls: true, port: 61614 },
  'stomp+nio:': { tls: false, port: 61613 },
  'stomp+nio+ssl:': { tls: true, port: 61614 },
};

function invalid(detail: string): ConfigError {
  // The URL may carry a password: name the problem, never echo the value.
  return new ConfigError(['BROKER_URL'], `broker URL is invalid: ${detail}`);
}

export function parseBrokerUrl(url: string): BrokerEndpoint[] {
  let text = url.trim();
  const failover = /^failover:\((.*)\)(\?.*)?$/i.exec(text);
  if (failover) text = failover[1];
  else if (/^failover:/i.test(text)) text = text.slice('failover:'.length);
  const parts = text.split(',').map((p) => p.trim()).filter((p) => p.length > 0);
  if (parts.length === 0) throw invalid('no broker address');
  return parts.map(parseOne);
}

function parseOne(text: string): BrokerEndpoint {
  let parsed: URL;
  try {
    parsed = new URL(text);
  } catch {
    throw invalid('an address is not a URL (expected stomp://host:port or stomp+ssl://host:port)');
  }
  const scheme = SCHEMES[parsed.protocol.toLowerCase()];
  if (!scheme) throw invalid(`scheme ${parsed.protocol} is not supported (use stomp:// or stomp+ssl://)`);
  const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
  if (host.length === 0) throw invalid('an address has no host');
  const port = parsed.port === '' ? scheme.port : Number(parsed.port);
  const endpoint: BrokerEndpoint = { host, port, tls: scheme.tls };
  if (parsed.username) endpoint.login = decodeURIComponent(parsed.username);
  if (parsed.password) endpoint.passcode = decodeURIComponent(parsed.password);
  return endpoint;
}
