import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigError } from '@ediflow/errors';
import { parseRoutes, parseRoutesText, resolveDeadLetter, type RoutesDocumentInput } from '@ediflow/bridge';

const base = (): RoutesDocumentInput => ({
  endpoints: {
    onprem: { urls: ['stomp+ssl://mq1:61614', 'stomp+ssl://mq2:61614'], loginEnv: 'ONPREM_LOGIN', passcodeEnv: 'ONPREM_PASSCODE' },
    cloud: { urls: ['stomp+ssl://b-1:61614', 'stomp+ssl://b-2:61614'] },
  },
  routes: [{ name: 'r1', from: { endpoint: 'onprem', destination: 'IN' }, to: { endpoint: 'cloud', destination: 'OUT' } }],
});

function issues(input: unknown): string {
  try {
    parseRoutes(input);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('expected the document to be refused');
}

describe('routes document', () => {
  it('when a minimal route is given, then the defaults are filled in', () => {
    const doc = parseRoutes(base());
    const route = doc.routes[0];
    expect(route.prefetch).toBe(100);
    expect(route.maxAttempts).toBe(5);
    expect(route.order).toBe('group');
    expect(route.groupHeader).toBeUndefined();
    expect(doc.endpoints.onprem.kind).toBe('activemq');
    expect(doc.endpoints.onprem.failover).toBe('shared-storage');
    expect(route.headers.copy).toBe('all');
    expect(resolveDeadLetter(route)).toEqual({ endpoint: 'onprem', destination: 'DLQ.bridge.r1' });
  });

  it('when the committed example is parsed, then it is valid', () => {
    const file = path.resolve(__dirname, '../../routes.example.json');
    const doc = parseRoutes(JSON.parse(readFileSync(file, 'utf8')));
    expect(doc.routes.map((r) => r.name)).toEqual(['claims-to-cloud', 'eligibility-to-cloud', 'acks-to-onprem']);
  });

  it('when a URL carries credentials, then it is refused without echoing them', () => {
    const doc = base();
    doc.endpoints.onprem.urls = ['stomp://user:s3cr3t@mq1:61613'];
    const message = issues(doc);
    expect(message).toContain('endpoints.onprem.urls.0');
    expect(message).not.toContain('s3cr3t');
  });

  it('when an Amazon MQ URL is not TLS, then it is refused', () => {
    const doc = base();
    doc.endpoints.cloud.urls = ['stomp://b-1234-1.mq.us-east-1.amazonaws.com:61613'];
    expect(issues(doc)).toContain('Amazon MQ accepts STOMP only over TLS');
  });

  it('when a route names an unknown endpoint or repeats a name, then each problem is listed by path', () => {
    const doc = base();
    doc.routes.push({ name: 'r1', from: { endpoint: 'nowhere', destination: 'A' }, to: { endpoint: 'cloud', destination: 'B' } });
    const message = issues(doc);
    expect(message).toContain('routes.1.name: route names must be unique');
    expect(message).toContain('routes.1.from.endpoint: unknown endpoint "nowhere"');
  });

  it('when the dead-letter destination is the source, or a route loops to itself, then it is refused', () => {
    const doc = base();
    doc.routes[0].deadLetter = { destination: '/queue/IN' };
    doc.routes.push({ name: 'loop', from: { endpoint: 'cloud', destination: 'X' }, to: { endpoint: 'cloud', destination: '/queue/X' } });
    const message = issues(doc);
    expect(message).toContain('routes.0.deadLetter');
    expect(message).toContain('routes.1.to');
  });

  it('when a credential is given inline or an env name is malformed, then it is refused', () => {
    const doc = base() as unknown as { endpoints: Record<string, Record<string, unknown>> };
    doc.endpoints.onprem.passcode = 'inline';
    doc.endpoints.cloud.loginEnv = 'lower-case';
    const message = issues(doc);
    expect(message).toContain('endpoints.onprem');
    expect(message).toContain('endpoints.cloud.loginEnv');
    expect(message).not.toContain('inline');
  });

  it('when TLS material is given both as a file and as a variable, then it is refused', () => {
    const doc = base() as unknown as { endpoints: Record<string, Record<string, unknown>> };
    doc.endpoints.onprem.tls = { caFile: '/etc/ca.pem', caEnv: 'ONPREM_CA' };
    expect(issues(doc)).toContain('not both');
  });

  it('when the document comes as BRIDGE_ROUTES text, then it is parsed, and bad text names BRIDGE_ROUTES', () => {
    expect(parseRoutesText(JSON.stringify(base())).routes[0].name).toBe('r1');
    expect(() => parseRoutesText('{not json')).toThrow(expect.objectContaining({ variables: ['BRIDGE_ROUTES'] }));
    expect(() => parseRoutesText(JSON.stringify({ endpoints: {}, routes: [] }))).toThrow(expect.objectContaining({ variables: ['BRIDGE_ROUTES'] }));
  });
});

describe('routes document: broker kinds, TLS and failover', () => {
  it('when an endpoint has a tls block but a stomp:// URL, then start-up fails naming the endpoint and the URL', () => {
    const doc = base();
    doc.endpoints.onprem = { urls: ['stomp://mq1:61613'], tls: { caFile: '/etc/ca.pem' } };
    const message = issues(doc);
    expect(message).toContain('endpoints.onprem.urls.0: has a tls block but this URL is plaintext');
  });

  it('when rejectUnauthorized is false without insecure, then it is refused; with insecure: true it loads', () => {
    const doc = base();
    doc.endpoints.cloud = { urls: ['stomp+ssl://b-1:61614'], tls: { rejectUnauthorized: false } };
    expect(issues(doc)).toContain('endpoints.cloud.tls.rejectUnauthorized');
    doc.endpoints.cloud = { urls: ['stomp+ssl://b-1:61614'], tls: { rejectUnauthorized: false, insecure: true } };
    expect(parseRoutes(doc).endpoints.cloud.tls?.insecure).toBe(true);
  });

  it('when an endpoint mixes TLS and plaintext URLs or protocols, or has half a client certificate, then it is refused', () => {
    const doc = base();
    doc.endpoints.onprem = { urls: ['stomp+ssl://mq1:61614', 'stomp://mq2:61613'] };
    doc.endpoints.cloud = { urls: ['amqps://b-1:5671', 'stomp+ssl://b-2:61614'], tls: { certFile: '/c.pem' } };
    const message = issues(doc);
    expect(message).toContain('endpoints.onprem.urls: mixes TLS and plaintext URLs');
    expect(message).toContain('endpoints.cloud.urls: all URLs of an endpoint must use one protocol');
    expect(message).toContain('endpoints.cloud.tls: mutual TLS needs both a certificate and a key');
  });

  it('when a selector is set on a RabbitMQ or generic source, then it is refused at load instead of being ignored', () => {
    for (const kind of ['rabbitmq', 'generic'] as const) {
      const doc = base();
      doc.endpoints.onprem = { urls: ['stomp://mq1:61613'], kind };
      doc.routes[0].from.selector = "kind = 'claim'";
      expect(issues(doc)).toContain(`routes.0.from.selector: endpoint "onprem" is ${kind}, which does not evaluate selectors`);
    }
    const doc = base();
    doc.endpoints.onprem = { urls: ['amqp://mq1:5672'], kind: 'artemis' };
    doc.routes[0].from.selector = "kind = 'claim'";
    expect(parseRoutes(doc).routes[0].from.selector).toBe("kind = 'claim'");
  });

  it('when a virtual host is set on a broker that is not RabbitMQ, then it is refused', () => {
    const doc = base();
    doc.endpoints.onprem = { urls: ['stomp://mq1:61613'], virtualHost: 'edi' };
    expect(issues(doc)).toContain('endpoints.onprem.virtualHost');
    doc.endpoints.onprem = { urls: ['stomp://mq1:61613'], kind: 'rabbitmq', virtualHost: 'edi' };
    expect(parseRoutes(doc).endpoints.onprem.virtualHost).toBe('edi');
  });

  it('when a RabbitMQ route sends to /amq/queue/IN from IN, then they are different queues only by form: a loop is refused', () => {
    const doc = base();
    doc.endpoints.onprem = { urls: ['stomp://mq1:61613'], kind: 'rabbitmq' };
    doc.routes[0] = { name: 'loop', from: { endpoint: 'onprem', destination: 'IN' }, to: { endpoint: 'onprem', destination: '/queue/IN' } };
    expect(issues(doc)).toContain('routes.0.to: a route must not send to its own source');
  });
});
