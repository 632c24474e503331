import { z } from 'zod';

/**
 * Callback subscriptions as the partner registry holds them (`partners[].subscriptions`):
 * which endpoint receives the partner's translated transactions, and how the notifier
 * authenticates to it. Secrets never sit in the document: each is `{ "env": "VAR" }` or
 * `{ "file": "/path" }` (certificates and keys), resolved by the notifier when it loads.
 */
const slug = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'lower-case letters, digits and dashes, 1-63 characters');

/** A secret given by reference: an environment variable or a file (PEM material). */
export const secretRefSchema = z.union([
  z.object({ env: z.string().regex(/^[A-Z_][A-Z0-9_]*$/) }).strict(),
  z.object({ file: z.string().min(1) }).strict(),
]);
export type SecretRef = z.infer<typeof secretRefSchema>;

export const hmacAuthSchema = z
  .object({
    type: z.literal('hmac'),
    /** Standard Webhooks secrets (`whsec_<base64>`); two during a rotation, newest first. */
    secrets: z.array(secretRefSchema).min(1).max(2),
  })
  .strict();

export const oauth2AuthSchema = z
  .object({
    type: z.literal('oauth2'),
    tokenUrl: z.url(),
    clientId: z.string().min(1),
    clientSecret: secretRefSchema,
    scope: z.string().optional(),
    audience: z.string().optional(),
    /** client_secret_basic (default) or client_secret_post. */
    clientAuth: z.enum(['basic', 'body']).default('basic'),
    /** Refresh this long before the token expires. */
    refreshBeforeSeconds: z.number().int().min(0).default(60),
  })
  .strict();

export const mtlsAuthSchema = z
  .object({
    type: z.literal('mtls'),
    cert: secretRefSchema,
    key: secretRefSchema,
    /** Extra CA certificates to trust for the endpoint (PEM). */
    ca: secretRefSchema.optional(),
    passphrase: secretRefSchema.optional(),
  })
  .strict();

export const authSchema = z.discriminatedUnion('type', [hmacAuthSchema, oauth2AuthSchema, mtlsAuthSchema]);

/** One subscription of a partner (the partner is the registry entry that holds it). */
export const partnerSubscriptionSchema = z
  .object({
    /** Stable id for metrics, queues and dead-letter keys (never the URL, which may carry tokens). Unique in the registry. */
    id: slug,
    /** Transaction set ids (ST01, e.g. "837", "835"); all when omitted. */
    transactionSets: z.array(z.string().regex(/^[0-9A-Z]{3}$/)).optional(),
    url: z.url().refine((u) => /^https?:\/\//i.test(u), 'must be http(s)'),
    /** Per-attempt timeout; the service default when omitted. */
    timeoutMs: z.number().int().positive().optional(),
    /** Extra request headers (non-secret, e.g. a tenant id). */
    headers: z.record(z.string(), z.string()).default({}),
    /** Requests in flight to this endpoint at once (per notifier process). */
    maxConcurrency: z.number().int().min(1).max(64).optional(),
    /**
     * `claim`: deliveries to this endpoint keep publication order (per claim group
     * across replicas via JMSXGroupID); retries wait in place instead of going back
     * to the queue. `none` (default): no order, no head-of-line waiting.
     */
    ordering: z.enum(['none', 'claim']).default('none'),
    /** HMAC signatures may be combined with OAuth2 or mTLS: list several. */
    auth: z.array(authSchema).default([]),
  })
  .strict();

export type PartnerSubscription = z.infer<typeof partnerSubscriptionSchema>;
export type PartnerSubscriptionInput = z.input<typeof partnerSubscriptionSchema>;
