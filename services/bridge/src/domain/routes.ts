/**
 * The routes document (BRIDGE_ROUTES_FILE): broker endpoints and the routes between them.
 * Credentials are never inline: an endpoint names the environment variables that hold them.
 */
import { z } from 'zod';

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
  .regex(/^(stomp(\+(ssl|tls|nio|nio\+ssl))?:\/\/[^\s,]+|memory(:\/\/[A-Za-z0-9._-]*)?)$/i, 'must be stomp://host:port, stomp+ssl://host:port or memory');

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
    /** Stable id of this broker (or broker pair) for derived idempotency keys; defaults to the endpoint name. */
    brokerId: name.optional(),
    loginEnv: envName.optional(),
    passcodeEnv: envName.optional(),
    tls: z
      .object({
        /** PEM file of the CA to trust (private CA on-prem); the system store when omitted. */
        caFile: z.string().min(1).optional(),
        /** Client certificate and key files (mutual TLS). */
        certFile: z.string().min(1).optional(),
        keyFile: z.string().min(1).optional(),
        /** The same PEM material from environment variables (by name), as ECS injects secrets. */
        caEnv: envName.optional(),
        certEnv: envName.optional(),
        keyEnv: envName.optional(),
        servername: z.string().min(1).optional(),
        rejectUnauthorized: z.boolean().default(true),
      })
      .strict()
      .refine((t) => !(t.caFile && t.caEnv) && !(t.certFile && t.certEnv) && !(t.keyFile && t.keyEnv), 'give each of ca, cert and key as a file or an environment variable, not both')
      .optional(),
  })
  .strict();

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
    /** Unacknowledged source messages at once (activemq.prefetchSize). Default 100. */
    prefetch: z.number().int().min(1).max(10_000).default(100),
    /**
     * "all" (default): every message of the route is sent in source order, one at a time.
     * "group": order kept per value of `groupHeader`, groups (and ungrouped messages) in
     * parallel. ActiveMQ does not put JMSXGroupID into STOMP MESSAGE frames, so with an
     * ActiveMQ source "group" needs the producers to carry the group in a property too.
     */
    order: z.enum(['group', 'all']).default('all'),
    /** Header naming the group when order is "group" (looked up after mapping, then on the source). Default JMSXGroupID. */
    groupHeader: headerName.default('JMSXGroupID'),
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
      const dl = resolveDeadLetter(route);
      if (dl.endpoint === route.from.endpoint && sameDestination(dl.destination, route.from.destination)) {
        ctx.addIssue({ code: 'custom', path: ['routes', i, 'deadLetter'], message: 'the dead-letter destination must differ from the source' });
      }
      if (route.to.endpoint === route.from.endpoint && sameDestination(route.to.destination, route.from.destination)) {
        ctx.addIssue({ code: 'custom', path: ['routes', i, 'to'], message: 'a route must not send to its own source' });
      }
    });
  });

export type EndpointConfig = z.infer<typeof endpointSchema>;
export type HeaderMapping = z.infer<typeof headerMappingSchema>;
export type RouteConfig = z.infer<typeof routeSchema>;
export type RoutesDocument = z.infer<typeof routesDocumentSchema>;
/** What a routes file may contain before defaults are applied. */
export type RoutesDocumentInput = z.input<typeof routesDocumentSchema>;

/** `name` and `/queue/name` are the same queue. */
export function normalizeDestination(d: string): string {
  return d.startsWith('/queue/') || d.startsWith('/topic/') || d.startsWith('/temp-') || d.startsWith('/remote-temp-') ? d : `/queue/${d}`;
}

function sameDestination(a: string, b: string): boolean {
  return normalizeDestination(a) === normalizeDestination(b);
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
