/**
 * The routes document (BRIDGE_ROUTES_FILE): broker endpoints and the routes between them.
 * Credentials are never inline: an endpoint names the environment variables that hold them.
 */
import { z } from 'zod';
import { BROKER_KINDS, stompDialect, type BrokerKind } from '@ediflow/bus';

const envName = z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'must be an environment variable name (A-Z, 0-9, _)');
const name = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/, 'must be 1-63 letters, digits, ".", "_" or "-"');
const destination = z
  .string()
  .min(1)
  .max(512)
  .refine((d) => !/[\r\n\0]/.test(d), 'must not contain line breaks or NUL');
const headerName = z
  .string()
  .min(1)
  .max(256)
  .refine((h) => !/[\r\n:\0]/.test(h), 'must not contain ":", line breaks or NUL');

const brokerUrl = z
  .string()
  .regex(
    /^((stomp(\+(ssl|tls|nio|nio\+ssl))?|amqps?):\/\/[^\s,]+|memory(:\/\/[A-Za-z0-9._-]*)?)$/i,
    'must be stomp://host:port, stomp+ssl://host:port, amqp://host:port, amqps://host:port or memory',
  );

/** The wire protocol of a URL. */
export function protocolOf(url: string): 'stomp' | 'amqp' | 'memory' {
  if (/^amqps?:/i.test(url)) return 'amqp';
  if (/^memory/i.test(url)) return 'memory';
  return 'stomp';
}

/** Whether a URL's scheme means TLS (the one rule: the scheme decides). */
export function isTlsUrl(url: string): boolean {
  return /^(stomp\+(ssl|tls|nio\+ssl)|amqps):/i.test(url);
}

export const endpointSchema = z
  .object({
    /**
     * Broker URLs tried in turn: an on-prem failover list, or Amazon MQ's active/standby
     * pair. Credentials in URLs are refused: use loginEnv/passcodeEnv.
     */
    urls: z
      .array(brokerUrl.refine((u) => !/^[^:]+:\/\/[^/]*@/.test(u), 'must not carry credentials (use loginEnv/passcodeEnv)'))
      .min(1)
      .max(8)
      .refine(
        (urls) => urls.every((u) => !/amazonaws\.com/i.test(u) || /^stomp\+(ssl|tls|nio\+ssl):/i.test(u)),
        'Amazon MQ accepts STOMP only over TLS: use stomp+ssl://<broker>:61614',
      ),
    /** Which broker answers: prefetch header, destination forms, text/binary, selectors. Default activemq. */
    kind: z.enum(BROKER_KINDS).default('activemq'),
    /** RabbitMQ virtual host (STOMP CONNECT host, AMQP 1.0 hostname "vhost:<name>"); default "/" on RabbitMQ, the URL host elsewhere. */
    virtualHost: z.string().min(1).max(255).optional(),
    /**
     * How the URLs relate. "shared-storage" (default): one broker behind several addresses
     * (Amazon MQ active/standby, a shared-store pair): one connection, rotating on failure.
     * "independent": separate brokers with their own messages: as a source, every one is
     * consumed at once; as a target, one connection rotating on failure.
     */
    failover: z.enum(['shared-storage', 'independent']).default('shared-storage'),
    /** Stable id of this broker (or broker pair) for derived idempotency keys; defaults to the endpoint name. */
    brokerId: name.optional(),
    loginEnv: envName.optional(),
    passcodeEnv: envName.optional(),
    tls: z
      .object({
        /** PEM file of the CA to trust (private CA on-prem); the system store when omitted. */
        caFile: z.string().min(1).optional(),
        /** Client certificate and key files (mutual TLS); both or neither. */
        certFile: z.string().min(1).optional(),
        keyFile: z.string().min(1).optional(),
        /** The same PEM material from environment variables (by name), as ECS injects secrets. */
        caEnv: envName.optional(),
        certEnv: envName.optional(),
        keyEnv: envName.optional(),
        /** Host name the broker's certificate must carry (and SNI); default the URL's host. */
        servername: z.string().min(1).optional(),
        /** false accepts any certificate: only with insecure: true, and warned about at every connect. */
        rejectUnauthorized: z.boolean().default(true),
        /** Must be true for rejectUnauthorized: false. */
        insecure: z.boolean().default(false),
      })
      .strict()
      .refine((t) => !(t.caFile && t.caEnv) && !(t.certFile && t.certEnv) && !(t.keyFile && t.keyEnv), 'give each of ca, cert and key as a file or an environment variable, not both')
      .optional(),
  })
  .strict()
  .superRefine((endpoint, ctx) => {
    const protocols = new Set(endpoint.urls.map(protocolOf));
    if (protocols.size > 1) ctx.addIssue({ code: 'custom', path: ['urls'], message: 'all URLs of an endpoint must use one protocol (stomp, amqp or memory)' });
    const tlsUrls = endpoint.urls.filter((u) => isTlsUrl(u)).length;
    if (tlsUrls > 0 && tlsUrls < endpoint.urls.length) {
      ctx.addIssue({ code: 'custom', path: ['urls'], message: 'mixes TLS and plaintext URLs: either every URL is TLS (stomp+ssl://, amqps://) or none is' });
    }
    const tls = endpoint.tls;
    if (tls !== undefined) {
      endpoint.urls.forEach((u, i) => {
        if (!isTlsUrl(u)) {
          ctx.addIssue({ code: 'custom', path: ['urls', i], message: 'has a tls block but this URL is plaintext: TLS would be silently dropped; use stomp+ssl:// or amqps://' });
        }
      });
      if (!tls.rejectUnauthorized && !tls.insecure) {
        ctx.addIssue({ code: 'custom', path: ['tls', 'rejectUnauthorized'], message: 'false turns certificate checks off: also set "insecure": true to say so (a warning is logged at every connect)' });
      }
      if ((tls.certFile === undefined && tls.certEnv === undefined) !== (tls.keyFile === undefined && tls.keyEnv === undefined)) {
        ctx.addIssue({ code: 'custom', path: ['tls'], message: 'mutual TLS needs both a certificate and a key (certFile or certEnv, keyFile or keyEnv)' });
      }
    }
    if (endpoint.virtualHost !== undefined && endpoint.kind !== 'rabbitmq') {
      ctx.addIssue({ code: 'custom', path: ['virtualHost'], message: 'virtual hosts are a RabbitMQ setting: set "kind": "rabbitmq"' });
    }
  });

export const headerMappingSchema = z
  .object({
    /** "all" (default): every application header; or the list of headers to copy. */
    copy: z.union([z.literal('all'), z.array(headerName)]).default('all'),
    /** Headers never copied. */
    drop: z.array(headerName).default([]),
    /** Source name -> target name (e.g. a vendor property to JMSXGroupID). */
    rename: z.record(headerName, headerName).default({}),
    /** Constant headers set on every bridged message. */
    set: z.record(headerName, z.string().max(4096)).default({}),
    /** Headers every source message must carry; a message without one is poison. */
    required: z.array(headerName).default([]),
    /** reply-to on the source -> reply-to on the target. */
    replyTo: z.record(destination, destination).default({}),
    /** A reply-to not in the map: keep it as is, drop it, or treat the message as poison. */
    unmappedReplyTo: z.enum(['keep', 'drop', 'reject']).default('keep'),
  })
  .strict();

export const routeSchema = z
  .object({
    name,
    from: z.object({ endpoint: name, destination, selector: z.string().min(1).max(4096).optional() }).strict(),
    to: z.object({ endpoint: name, destination }).strict(),
    headers: headerMappingSchema.default({
      copy: 'all', drop: [], rename: {}, set: {}, required: [], replyTo: {}, unmappedReplyTo: 'keep',
    }),
    /** Bodies over this size are poison (dead-lettered, never sent). Default 4 MiB. */
    maxBodyBytes: z.number().int().min(1).max(100 * 1024 * 1024).default(4 * 1024 * 1024),
    /** Target rejections of one message before it is dead-lettered. Default 5. */
    maxAttempts: z.number().int().min(1).max(100).default(5),
    /** Unacknowledged source messages at once (the kind's prefetch header, or AMQP link credit). Default 100. */
    prefetch: z.number().int().min(1).max(10_000).default(100),
    /**
     * "group" (default): order kept per value of the group header, groups (and ungrouped
     * messages) in parallel. "all": every message of the route in source order, one at a time.
     * ActiveMQ does not put JMSXGroupID into STOMP MESSAGE frames: see groupHeader.
     */
    order: z.enum(['group', 'all']).default('group'),
    /**
     * Header naming the group (looked up after mapping, then on the source). Default: JMSXGroupID,
     * else x-group (which ediflow's services set because ActiveMQ drops JMSXGroupID over STOMP).
     */
    groupHeader: headerName.optional(),
    /** Where poison goes; default endpoint = the source's, destination = `DLQ.bridge.<route name>`. */
    deadLetter: z.object({ endpoint: name.optional(), destination: destination.optional() }).strict().default({}),
  })
  .strict();

export const routesDocumentSchema = z
  .object({
    endpoints: z.record(name, endpointSchema),
    routes: z.array(routeSchema).min(1),
  })
  .strict()
  .superRefine((doc, ctx) => {
    const names = new Set<string>();
    doc.routes.forEach((route, i) => {
      if (names.has(route.name)) ctx.addIssue({ code: 'custom', path: ['routes', i, 'name'], message: 'route names must be unique' });
      names.add(route.name);
      for (const [field, ref] of [
        ['from', route.from.endpoint],
        ['to', route.to.endpoint],
        ['deadLetter', route.deadLetter.endpoint],
      ] as const) {
        if (ref !== undefined && doc.endpoints[ref] === undefined) {
          ctx.addIssue({ code: 'custom', path: ['routes', i, field, 'endpoint'], message: `unknown endpoint "${ref}"` });
        }
      }
      const source = doc.endpoints[route.from.endpoint] as EndpointConfig | undefined;
      const kind = source?.kind ?? 'activemq';
      const dl = resolveDeadLetter(route);
      if (dl.endpoint === route.from.endpoint && sameDestination(kind, dl.destination, route.from.destination)) {
        ctx.addIssue({ code: 'custom', path: ['routes', i, 'deadLetter'], message: 'the dead-letter destination must differ from the source' });
      }
      if (route.to.endpoint === route.from.endpoint && sameDestination(kind, route.to.destination, route.from.destination)) {
        ctx.addIssue({ code: 'custom', path: ['routes', i, 'to'], message: 'a route must not send to its own source' });
      }
      if (route.from.selector !== undefined && source !== undefined && !supportsSelectors(source)) {
        ctx.addIssue({
          code: 'custom',
          path: ['routes', i, 'from', 'selector'],
          message: `endpoint "${route.from.endpoint}" is ${source.kind}, which does not evaluate selectors (the broker would ignore it and bridge everything)`,
        });
      }
    });
  });

export type EndpointConfig = z.infer<typeof endpointSchema>;
export type HeaderMapping = z.infer<typeof headerMappingSchema>;
export type RouteConfig = z.infer<typeof routeSchema>;
export type RoutesDocument = z.infer<typeof routesDocumentSchema>;
/** What a routes file may contain before defaults are applied. */
export type RoutesDocumentInput = z.input<typeof routesDocumentSchema>;

/** The destination as the broker of `kind` sees it: on ActiveMQ and RabbitMQ `name` and `/queue/name` are the same queue. */
export function normalizeDestination(d: string, kind: BrokerKind = 'activemq'): string {
  return stompDialect(kind).destination(d);
}

function sameDestination(kind: BrokerKind, a: string, b: string): boolean {
  return normalizeDestination(a, kind) === normalizeDestination(b, kind);
}

/** Whether the endpoint's broker evaluates JMS selectors: ActiveMQ and Artemis (STOMP or AMQP 1.0), not RabbitMQ or unknown brokers. */
export function supportsSelectors(endpoint: Pick<EndpointConfig, 'kind'>): boolean {
  return stompDialect(endpoint.kind).selectors;
}

/** Group header default: JMSXGroupID, else x-group. */
export function groupHeadersOf(route: Pick<RouteConfig, 'groupHeader'>): string[] {
  return route.groupHeader === undefined ? ['JMSXGroupID', 'x-group'] : [route.groupHeader];
}

export function resolveDeadLetter(route: Pick<RouteConfig, 'name' | 'from' | 'deadLetter'>): { endpoint: string; destination: string } {
  return {
    endpoint: route.deadLetter.endpoint ?? route.from.endpoint,
    destination: route.deadLetter.destination ?? `DLQ.bridge.${route.name}`,
  };
}

/** Validates a parsed routes document; throws a zod error listing paths (never values of credentials: there are none). */
export function parseRoutesDocument(input: unknown): RoutesDocument {
  return routesDocumentSchema.parse(input);
}
