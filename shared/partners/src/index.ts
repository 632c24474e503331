import { readFile, stat } from 'node:fs/promises';
import { z } from 'zod';
import { InvalidInputError, NotFoundError } from '@ediflow/errors';

/**
 * The trading partner registry: one versioned JSON document, validated here and
 * read by ingest (keys, ISA ids, plaintext policy), translator (acknowledgments,
 * split mode, keys to encrypt what goes back). Callback subscriptions live in the notifier's subscriptions document.
 */
const partnerIdSchema = z.string().regex(/^[a-z0-9][a-z0-9-]{1,62}$/, 'lower-case letters, digits and dashes, 2-63 characters');

export const partnerSchema = z.object({
  id: partnerIdSchema,
  name: z.string().min(1),
  /**
   * ISA05/ISA06 pairs this partner sends with (ISA06 is space-padded to 15 in the file; stored
   * trimmed). A clearinghouse may use several. A file whose ISA sender is not listed is quarantined.
   */
  isaSenders: z.array(z.object({ qualifier: z.string().length(2), id: z.string().min(1).max(15) })).min(1),
  /** Armored PGP public keys: verify the partner's signatures, encrypt what we send back. */
  pgpPublicKeys: z.array(z.string().min(1)).default([]),
  requireSignature: z.boolean().default(true),
  allowPlaintext: z.boolean().default(false),
  split: z.enum(['transaction', 'claim']).default('transaction'),
  acknowledgments: z.array(z.enum(['TA1', '999', '277CA'])).default(['999']),
});

export const registrySchema = z.object({
  version: z.literal(1),
  partners: z.array(partnerSchema),
});

export type Partner = z.infer<typeof partnerSchema>;
export type PartnerRegistryDocument = z.infer<typeof registrySchema>;

export interface PartnerRegistry {
  readonly document: PartnerRegistryDocument;
  get(partnerId: string): Partner;
  find(partnerId: string): Partner | undefined;
  list(): Partner[];
}

/** Validates a registry document; errors name the path of each bad field (values are never echoed). */
export function parseRegistry(json: unknown): PartnerRegistry {
  const result = registrySchema.safeParse(json);
  if (!result.success) {
    const where = result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new InvalidInputError('PARTNERS_INVALID', `partner registry invalid: ${where}`);
  }
  const doc = result.data;
  const seen = new Set<string>();
  for (const p of doc.partners) {
    if (seen.has(p.id)) throw new InvalidInputError('PARTNERS_INVALID', `partner registry invalid: duplicate partner id ${p.id}`);
    seen.add(p.id);
  }
  const byId = new Map(doc.partners.map((p) => [p.id, p]));
  return {
    document: doc,
    find: (id) => byId.get(id),
    get(id) {
      const p = byId.get(id);
      if (!p) throw new NotFoundError('PARTNER_UNKNOWN', `unknown partner ${id}`);
      return p;
    },
    list: () => [...doc.partners],
  };
}

export interface RegistrySource {
  /** The current registry; re-read when the document changed since the last call. */
  current(): Promise<PartnerRegistry>;
}

/**
 * A registry read from a JSON file, re-read when its size or modification time changes,
 * so onboarding a partner needs no restart. A bad new version is rejected and the last
 * good one stays in use (the error is thrown to the caller once, for logging).
 */
export function registryFromFile(path: string): RegistrySource {
  let cached: { stamp: string; registry: PartnerRegistry } | undefined;
  return {
    async current() {
      const st = await stat(path);
      const stamp = `${st.size}:${st.mtimeMs}`;
      if (cached?.stamp === stamp) return cached.registry;
      const registry = parseRegistry(JSON.parse(await readFile(path, 'utf8')) as unknown);
      cached = { stamp, registry };
      return registry;
    },
  };
}

/** A fixed registry (tests, or a document already in memory). */
export function staticRegistry(registry: PartnerRegistry): RegistrySource {
  return { current: async () => registry };
}
