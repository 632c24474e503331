import { readFile, stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { z } from 'zod';
import { InvalidInputError, NotFoundError } from '@ediflow/errors';
import { partnerSubscriptionSchema } from './subscriptions';

export * from './subscriptions';

/**
 * The trading partner registry: one versioned JSON document (a file, or an object-store
 * key), validated here and read by ingest (SFTP users and keys, ISA ids, PGP keys,
 * plaintext policy, HTTP tokens), translator (acknowledgments, split mode, keys to
 * encrypt what goes back) and notifier (callback subscriptions, see subscriptions.ts).
 *
 * Unknown fields are refused (a typo such as `requireSignatures` must not silently
 * fall back to a default), and errors name the path of each bad field, never its value.
 */
const partnerIdSchema = z.string().regex(/^[a-z0-9][a-z0-9-]{1,62}$/, 'lower-case letters, digits and dashes, 2-63 characters');

const isaIdSchema = z.strictObject({
  qualifier: z.string().regex(/^[0-9A-Z]{2}$/, 'two characters (ISA05/ISA07 qualifier, e.g. ZZ, 30, 01)'),
  id: z
    .string()
    .min(1)
    .max(15)
    .refine((v) => v.trim() === v && v.length > 0, 'stored trimmed (ISA06/ISA08 without the space padding)'),
});

/** An OpenSSH public key line: `<type> <base64> [comment]`. */
const sshPublicKeySchema = z
  .string()
  .regex(
    /^(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp256|ecdsa-sha2-nistp384|ecdsa-sha2-nistp521) [A-Za-z0-9+/]+={0,3}( [^\r\n]*)?\s*$/,
    'an OpenSSH public key line (ssh-ed25519 | ssh-rsa | ecdsa-sha2-nistp256/384/521, base64, optional comment)',
  );

/** SFTP user names as AWS Transfer Family accepts them: 3-100 characters, [A-Za-z0-9_][A-Za-z0-9_@.-]*. */
const sftpUserNameSchema = z.string().regex(/^[A-Za-z0-9_][A-Za-z0-9_@.-]{2,99}$/, '3-100 characters: letters, digits, _ @ . - (not first)');

export const sftpUserSchema = z.strictObject({
  userName: sftpUserNameSchema,
  /** Keys the user may log in with (SSH public-key authentication only; passwords are refused). */
  sshPublicKeys: z.array(sshPublicKeySchema).min(1, 'at least one SSH public key'),
});

const armoredPublicKeySchema = z
  .string()
  .refine((v) => v.includes('-----BEGIN PGP PUBLIC KEY BLOCK-----'), 'an ASCII-armored PGP public key block');

export const partnerSchema = z.strictObject({
  id: partnerIdSchema,
  name: z.string().min(1),
  /**
   * ISA05/ISA06 pairs this partner sends with (ISA06 is space-padded to 15 in the file; stored
   * trimmed). A clearinghouse may use several. A file whose ISA sender is not listed is quarantined.
   */
  isaSenders: z.array(isaIdSchema).min(1, 'at least one ISA sender'),
  /**
   * ISA07/ISA08 pairs this partner addresses us with. When the list is not empty, a file
   * whose ISA receiver is not listed is quarantined; empty means "any".
   */
  isaReceivers: z.array(isaIdSchema).default([]),
  /**
   * GS02 application sender codes this partner sends with. When the list is not empty, a group
   * whose GS02 is not listed quarantines the file; empty means any code that is not another
   * partner's (listed in its gsSenders, or one of its ISA06 ids).
   */
  gsSenders: z.array(z.string().min(2).max(15)).default([]),
  /** GS03 application receiver codes this partner addresses us with; empty means any. */
  gsReceivers: z.array(z.string().min(2).max(15)).default([]),
  /** Armored PGP public keys: verify the partner's signatures, encrypt what we send back. */
  pgpPublicKeys: z.array(armoredPublicKeySchema).default([]),
  requireSignature: z.boolean().default(true),
  allowPlaintext: z.boolean().default(false),
  split: z.enum(['transaction', 'claim']).default('transaction'),
  acknowledgments: z.array(z.enum(['TA1', '999', '277CA'])).default(['999']),
  /**
   * Lenient mode for 837s: implementation-guide errors reject the claims they are in, not the
   * whole transaction set; good claims go on (one document each), bad ones are held back and
   * rejected in the 277CA, and the 999 notes the errors (accepted with errors).
   */
  lenient: z.boolean().default(false),
  /**
   * X12 issue codes this partner's files may carry and still be accepted, noted in the 999 as
   * "accepted with errors" (e.g. SE_COUNT_MISMATCH for a sender whose trailer counts are off).
   * Empty by default: every error rejects its transaction set or group.
   */
  acceptWithErrors: z.array(z.string().regex(/^[A-Z0-9_]+\*?$/, 'an X12 issue code, or a prefix ending in *')).default([]),
  /**
   * An ISA13 this partner used before for an interchange with other content, within `windowDays`
   * of its first use: `reject` answers it with TA1 R and note 025 (duplicate interchange control
   * number) and publishes none of its sets; `alert` accepts it (TA1 E 025) and raises an alert.
   * The same interchange again (same bytes) is never flagged: that is a replay, and its ids repeat.
   */
  duplicateInterchange: z
    .strictObject({
      action: z.enum(['reject', 'alert']).default('reject'),
      windowDays: z.number().int().min(1).max(3650).default(365),
    })
    .default({ action: 'reject', windowDays: 365 }),
  /** SFTP logins (Transfer Family users in AWS, the embedded SFTP server locally). */
  sftpUsers: z.array(sftpUserSchema).default([]),
  /**
   * SHA-256 (hex) of each bearer token the partner may use for `POST /v1/files`. Only
   * hashes are stored; several allow rotation. Empty: no HTTP submission.
   */
  httpTokenSha256: z.array(z.string().regex(/^[0-9a-f]{64}$/, '64 lower-case hex digits (sha256 of the token)')).default([]),
  /** Callback endpoints that receive this partner's translated transactions (the notifier's deliveries). */
  subscriptions: z.array(partnerSubscriptionSchema).default([]),
});

export const registrySchema = z.strictObject({
  version: z.literal(1),
  partners: z.array(partnerSchema),
});

export type Partner = z.infer<typeof partnerSchema>;
export type SftpUser = z.infer<typeof sftpUserSchema>;
export type IsaId = z.infer<typeof isaIdSchema>;
export type PartnerRegistryDocument = z.infer<typeof registrySchema>;
/** What a registry file may contain before defaults are applied. */
export type PartnerRegistryInput = z.input<typeof registrySchema>;

export interface PartnerRegistry {
  readonly document: PartnerRegistryDocument;
  get(partnerId: string): Partner;
  find(partnerId: string): Partner | undefined;
  /** The partner that owns an SFTP user name, if any. */
  findBySftpUser(userName: string): Partner | undefined;
  list(): Partner[];
}

/** One problem in a registry document: where (a JSON path such as `partners.0.id`) and what. Never the value. */
export interface RegistryIssue {
  path: string;
  message: string;
}

/** A registry that does not validate. `issues` lists every problem found, for `edi partners validate`. */
export class RegistryInvalidError extends InvalidInputError {
  readonly issues: RegistryIssue[];
  constructor(issues: RegistryIssue[]) {
    super('PARTNERS_INVALID', `partner registry invalid: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, {
      details: { issues: issues.length },
    });
    this.issues = issues;
  }
}

/** Rules across partners: ids, SFTP user names, SSH keys, ISA senders and token hashes belong to one partner each; subscription ids are unique. */
function crossPartnerIssues(doc: PartnerRegistryDocument): RegistryIssue[] {
  const issues: RegistryIssue[] = [];
  const owners = new Map<string, string>();
  const claim = (kind: string, value: string, path: string, owner: string, what: string) => {
    const k = `${kind}\u001f${value}`;
    const first = owners.get(k);
    if (first !== undefined && first !== owner) issues.push({ path, message: `${what} is already used by partner ${first}` });
    else if (first === undefined) owners.set(k, owner);
  };
  const ids = new Set<string>();
  const subscriptionIds = new Set<string>();
  doc.partners.forEach((p, i) => {
    if (ids.has(p.id)) issues.push({ path: `partners.${i}.id`, message: `duplicate partner id ${p.id}` });
    ids.add(p.id);
    if (p.requireSignature && p.pgpPublicKeys.length === 0) {
      issues.push({ path: `partners.${i}.pgpPublicKeys`, message: 'requireSignature is true but no PGP public key is registered to verify with' });
    }
    p.isaSenders.forEach((s, j) => claim('isa', `${s.qualifier}/${s.id}`, `partners.${i}.isaSenders.${j}`, p.id, `ISA sender ${s.qualifier}/${s.id}`));
    p.gsSenders.forEach((code, j) => claim('gs', code, `partners.${i}.gsSenders.${j}`, p.id, `GS sender code ${code}`));
    p.sftpUsers.forEach((u, j) => {
      claim('user', u.userName.toLowerCase(), `partners.${i}.sftpUsers.${j}.userName`, `${p.id}`, `SFTP user name ${u.userName}`);
      u.sshPublicKeys.forEach((key, k) => {
        const [type, blob] = key.trim().split(/\s+/);
        claim('ssh', `${type} ${blob}`, `partners.${i}.sftpUsers.${j}.sshPublicKeys.${k}`, `${p.id}/${u.userName}`, 'SSH public key');
      });
    });
    p.httpTokenSha256.forEach((h, j) => claim('token', h, `partners.${i}.httpTokenSha256.${j}`, p.id, 'HTTP token hash'));
    p.subscriptions.forEach((sub, j) => {
      // ids name queues, metrics and dead-letter keys: one per subscription in the whole registry
      if (subscriptionIds.has(sub.id)) issues.push({ path: `partners.${i}.subscriptions.${j}.id`, message: `subscription id ${sub.id} is used twice` });
      subscriptionIds.add(sub.id);
    });
  });
  return issues;
}

/** Every issue in a registry document (empty when it is valid). */
export function registryIssues(json: unknown): RegistryIssue[] {
  const result = registrySchema.safeParse(json);
  if (!result.success) return result.error.issues.map((i) => ({ path: i.path.join('.') || '(root)', message: i.message }));
  return crossPartnerIssues(result.data);
}

/** Validates a registry document; throws RegistryInvalidError (code PARTNERS_INVALID) naming the path of each bad field. */
export function parseRegistry(json: unknown): PartnerRegistry {
  const result = registrySchema.safeParse(json);
  if (!result.success) {
    throw new RegistryInvalidError(result.error.issues.map((i) => ({ path: i.path.join('.') || '(root)', message: i.message })));
  }
  const doc = result.data;
  const issues = crossPartnerIssues(doc);
  if (issues.length > 0) throw new RegistryInvalidError(issues);
  const byId = new Map(doc.partners.map((p) => [p.id, p]));
  const byUser = new Map<string, Partner>();
  for (const p of doc.partners) for (const u of p.sftpUsers) byUser.set(u.userName.toLowerCase(), p);
  return {
    document: doc,
    find: (id) => byId.get(id),
    get(id) {
      const p = byId.get(id);
      if (!p) throw new NotFoundError('PARTNER_UNKNOWN', `unknown partner ${id}`);
      return p;
    },
    findBySftpUser: (userName) => byUser.get(userName.toLowerCase()),
    list: () => [...doc.partners],
  };
}

/** Parses registry text (JSON); a syntax error is PARTNERS_INVALID too. */
export function parseRegistryText(text: string): PartnerRegistry {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new RegistryInvalidError([{ path: '(root)', message: `not JSON (${err instanceof SyntaxError ? err.message : 'parse error'})` }]);
  }
  return parseRegistry(json);
}

export interface RegistrySource {
  /** The current registry; re-read when the document changed since the last call. */
  current(): Promise<PartnerRegistry>;
}

/**
 * A registry read from a JSON file, re-read when its size or modification time changes,
 * so onboarding a partner needs no restart. A bad new version is rejected (the error is
 * thrown to the caller, for logging) and the next call tries again.
 */
export function registryFromFile(path: string): RegistrySource {
  let cached: { stamp: string; registry: PartnerRegistry } | undefined;
  return {
    async current() {
      const st = await stat(path);
      const stamp = `${st.size}:${st.mtimeMs}`;
      if (cached?.stamp === stamp) return cached.registry;
      const registry = parseRegistryText(await readFile(path, 'utf8'));
      cached = { stamp, registry };
      return registry;
    },
  };
}

/** The part of the object store port a registry read needs (structural, so this package does not depend on the store). */
export interface RegistryObjectReader {
  head(key: string): Promise<{ etag: string } | undefined>;
  get(key: string): Promise<{ body: Readable; info: { etag: string } }>;
}

/**
 * A registry kept as an object (e.g. `config/partners.json` in the bucket), re-read when
 * its ETag changes: one HEAD per call while unchanged.
 */
export function registryFromObjectStore(store: RegistryObjectReader, key: string): RegistrySource {
  let cached: { etag: string; registry: PartnerRegistry } | undefined;
  return {
    async current() {
      const head = await store.head(key);
      if (!head) throw new NotFoundError('PARTNERS_MISSING', `partner registry object ${key} does not exist`);
      if (cached?.etag === head.etag) return cached.registry;
      const { body, info } = await store.get(key);
      const chunks: Buffer[] = [];
      for await (const chunk of body) chunks.push(Buffer.from(chunk as Uint8Array));
      const registry = parseRegistryText(Buffer.concat(chunks).toString('utf8'));
      cached = { etag: info.etag, registry };
      return registry;
    },
  };
}

/** A fixed registry (tests, or a document already in memory). */
export function staticRegistry(registry: PartnerRegistry): RegistrySource {
  return { current: async () => registry };
}
