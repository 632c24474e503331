import { z } from 'zod';
import { InvalidInputError } from '@ediflow/errors';

/**
 * Callback subscriptions: which endpoint receives which partner's translated
 * transactions, and how we authenticate to it. The document is JSON validated here;
 * later it moves into the partner registry with the same shape per subscription.
 *
 * Secrets never sit in the file itself: each secret is `{ "env": "VAR" }` (read from
 * the environment when the document is loaded) or `{ "file": "/path" }` for
 * certificates and keys (read by the file loader in adapters/).
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

export const subscriptionSchema = z
  .object({
    /** Stable id for metrics, queues and dead-letter keys (never the URL, which may carry tokens). */
    id: slug,
    partnerId: z.string().min(1),
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

export const subscriptionsDocumentSchema = z
  .object({
    version: z.literal(1),
    subscriptions: z.array(subscriptionSchema),
  })
  .strict();

export type SubscriptionInput = z.infer<typeof subscriptionSchema>;
export type SubscriptionsDocumentInput = z.infer<typeof subscriptionsDocumentSchema>;

/** Secrets as loaded: strings (secret values, PEM text). */
export type ResolvedAuth =
  | { type: 'hmac'; secrets: string[] }
  | {
      type: 'oauth2';
      tokenUrl: string;
      clientId: string;
      clientSecret: string;
      scope?: string;
      audience?: string;
      clientAuth: 'basic' | 'body';
      refreshBeforeSeconds: number;
    }
  | { type: 'mtls'; cert: string; key: string; ca?: string; passphrase?: string };

export interface Subscription extends Omit<SubscriptionInput, 'auth'> {
  auth: ResolvedAuth[];
}

export interface SubscriptionsDocument {
  version: 1;
  subscriptions: Subscription[];
}

/** Reads a referenced secret; adapters pass one that can read files. */
export type SecretReader = (ref: SecretRef, where: string) => string;

/** Reads `{ env }` references from the given environment; `{ file }` references fail (no I/O here). */
export function envSecretReader(env: Record<string, string | undefined>): SecretReader {
  return (ref, where) => {
    if ('env' in ref) {
      const value = env[ref.env];
      if (value === undefined || value === '') {
        throw new InvalidInputError('SUBSCRIPTIONS_INVALID', `subscriptions invalid: ${where} names variable ${ref.env}, which is not set`);
      }
      return value;
    }
    throw new InvalidInputError('SUBSCRIPTIONS_INVALID', `subscriptions invalid: ${where} refers to a file; load the document with loadSubscriptionsFile`);
  };
}

const WHSEC = /^whsec_[A-Za-z0-9+/]+={0,2}$/;

/**
 * Validates a subscriptions document and resolves its secret references.
 * Errors name the path of each bad field, never a value.
 */
export function parseSubscriptions(json: unknown, readSecret: SecretReader): SubscriptionsDocument {
  const result = subscriptionsDocumentSchema.safeParse(json);
  if (!result.success) {
    const where = result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new InvalidInputError('SUBSCRIPTIONS_INVALID', `subscriptions invalid: ${where}`);
  }
  const seen = new Set<string>();
  const subscriptions = result.data.subscriptions.map((s, index): Subscription => {
    if (seen.has(s.id)) throw new InvalidInputError('SUBSCRIPTIONS_INVALID', `subscriptions invalid: duplicate id ${s.id}`);
    seen.add(s.id);
    const auth = s.auth.map((a, j): ResolvedAuth => {
      const at = (field: string) => `subscriptions.${index}.auth.${j}.${field}`;
      switch (a.type) {
        case 'hmac': {
          const secrets = a.secrets.map((ref, k) => readSecret(ref, at(`secrets.${k}`)));
          secrets.forEach((secret, k) => {
            if (!WHSEC.test(secret)) {
              throw new InvalidInputError('SUBSCRIPTIONS_INVALID', `subscriptions invalid: ${at(`secrets.${k}`)} must be whsec_<base64>`);
            }
          });
          return { type: 'hmac', secrets };
        }
        case 'oauth2':
          return { ...a, clientSecret: readSecret(a.clientSecret, at('clientSecret')) };
        case 'mtls':
          return {
            type: 'mtls',
            cert: readSecret(a.cert, at('cert')),
            key: readSecret(a.key, at('key')),
            ca: a.ca === undefined ? undefined : readSecret(a.ca, at('ca')),
            passphrase: a.passphrase === undefined ? undefined : readSecret(a.passphrase, at('passphrase')),
          };
      }
    });
    if (auth.filter((a) => a.type === 'hmac').length > 1 || auth.filter((a) => a.type === 'oauth2').length > 1 || auth.filter((a) => a.type === 'mtls').length > 1) {
      throw new InvalidInputError('SUBSCRIPTIONS_INVALID', `subscriptions invalid: subscriptions.${index}.auth lists a type twice`);
    }
    return { ...s, auth };
  });
  return { version: 1, subscriptions };
}

/**
 * The subscriptions that want a partner's transaction of the given set (ST01).
 * When the set is unknown only subscriptions without a set filter match.
 */
export function matchSubscriptions(doc: SubscriptionsDocument, partnerId: string, transactionSet: string | undefined): Subscription[] {
  return doc.subscriptions.filter(
    (s) =>
      s.partnerId === partnerId &&
      (s.transactionSets === undefined || (transactionSet !== undefined && s.transactionSets.includes(transactionSet))),
  );
}
