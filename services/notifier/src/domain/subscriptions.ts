import { z } from 'zod';
import { InvalidInputError } from '@ediflow/errors';
import { partnerSubscriptionSchema, type PartnerRegistryDocument, type SecretRef } from '@ediflow/partners';

export { authSchema, hmacAuthSchema, mtlsAuthSchema, oauth2AuthSchema, secretRefSchema, type SecretRef } from '@ediflow/partners';

/**
 * Callback subscriptions: which endpoint receives which partner's translated
 * transactions, and how we authenticate to it. They live in the partner registry
 * (`partners[].subscriptions`, @ediflow/partners); a separate subscriptions document
 * (`{ version: 1, subscriptions: [...] }`, each with its `partnerId`) is still read when
 * NOTIFIER_SUBSCRIPTIONS_FILE names one.
 *
 * Secrets never sit in the file itself: each secret is `{ "env": "VAR" }` (read from
 * the environment when the document is loaded) or `{ "file": "/path" }` for
 * certificates and keys (read by the file loader in adapters/).
 */
/** A subscription as the notifier uses it: a registry subscription with its partner's id. */
export const subscriptionSchema = partnerSubscriptionSchema.extend({ partnerId: z.string().min(1) }).strict();

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

/** The subscriptions of every partner in a registry, validated as one document (ids unique) with secrets resolved. */
export function subscriptionsFromRegistry(registry: PartnerRegistryDocument, readSecret: SecretReader): SubscriptionsDocument {
  return parseSubscriptions(
    { version: 1, subscriptions: registry.partners.flatMap((p) => p.subscriptions.map((s) => ({ ...s, partnerId: p.id }))) },
    readSecret,
  );
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
