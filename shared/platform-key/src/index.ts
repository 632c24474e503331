import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { DecryptCommand, GenerateDataKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { z } from '@ediflow/config';
import { AppError, ConfigError, UnavailableError } from '@ediflow/errors';
import { loadPrivateKey, type PrivateKey } from '@ediflow/pgp';

/**
 * The platform's PGP private key (partners encrypt to its public half; ingest decrypts
 * with it, the translator signs what goes back with it).
 *
 * In AWS it rests envelope-encrypted: a KMS data key (AES-256, from GenerateDataKey with
 * an encryption context) encrypts the armored key with AES-256-GCM; the document keeps
 * only the KMS-encrypted data key, the IV, the tag and the ciphertext. At start-up the
 * data key is unwrapped with KMS Decrypt (same encryption context, so a document copied
 * to another purpose or environment does not open), the key is decrypted in memory and
 * the data key is zeroed. The plaintext key never touches local disk. Locally, a plain
 * armored key file is read instead.
 */

export const WRAPPED_KEY_FORMAT = 'ediflow.wrapped-pgp-key.v1';

/** The JSON document that holds a KMS-wrapped private key. No secret is readable without KMS. */
export interface WrappedKeyDocument {
  format: typeof WRAPPED_KEY_FORMAT;
  /** The KMS key (ARN) that encrypted the data key, as KMS reported it. */
  kmsKeyId: string;
  /** Non-secret context bound to the data key (KMS) and to the ciphertext (GCM additional data). */
  encryptionContext: Record<string, string>;
  /** base64 */
  encryptedDataKey: string;
  /** base64, 12 bytes */
  iv: string;
  /** base64, 16 bytes */
  tag: string;
  /** base64 */
  ciphertext: string;
}

export type KmsSender = Pick<KMSClient, 'send'>;

/** The key could not be unwrapped: wrong context, wrong KMS key, altered document, or KMS refused. */
export class PlatformKeyError extends AppError {
  constructor(code: string, message: string, options: { cause?: unknown; retryable?: boolean } = {}) {
    super(code, message, options);
  }
}

/** Context in a stable order: GCM's additional data must be byte-identical at wrap and unwrap. */
function aad(context: Record<string, string>): Buffer {
  const sorted = Object.keys(context)
    .sort()
    .map((k) => [k, context[k]]);
  return Buffer.from(JSON.stringify([WRAPPED_KEY_FORMAT, sorted]), 'utf8');
}

const sameContext = (a: Record<string, string>, b: Record<string, string>): boolean => aad(a).equals(aad(b));

/** Maps a KMS SDK failure: throttling, 5xx and network are retryable; the rest (access, context) are not. */
function kmsFailure(err: unknown, operation: string): AppError {
  const e = (typeof err === 'object' && err !== null ? err : {}) as { name?: string; $metadata?: { httpStatusCode?: number } };
  const status = e.$metadata?.httpStatusCode;
  if (status === undefined || status >= 500 || status === 429 || e.name === 'ThrottlingException' || e.name === 'KMSInternalException') {
    return new UnavailableError('KMS_UNAVAILABLE', `KMS ${operation} failed for now`, { cause: err });
  }
  return new PlatformKeyError('PLATFORM_KEY_KMS_REFUSED', `KMS refused ${operation} (${e.name ?? 'error'})`, { cause: err });
}

export interface WrapOptions {
  kms: KmsSender;
  /** KMS key id, ARN or alias. */
  kmsKeyId: string;
  armoredKey: string;
  encryptionContext: Record<string, string>;
}

/** Envelope-encrypts an armored private key with a fresh KMS data key (operators run it once per key; see `edi keys wrap`). */
export async function wrapPrivateKey(options: WrapOptions): Promise<WrappedKeyDocument> {
  let out;
  try {
    out = await options.kms.send(
      new GenerateDataKeyCommand({ KeyId: options.kmsKeyId, KeySpec: 'AES_256', EncryptionContext: options.encryptionContext }),
    );
  } catch (err) {
    throw kmsFailure(err, 'GenerateDataKey');
  }
  if (!out.Plaintext || !out.CiphertextBlob || out.Plaintext.length !== 32) {
    throw new PlatformKeyError('PLATFORM_KEY_KMS_REFUSED', 'KMS returned no usable data key');
  }
  const dataKey = Buffer.from(out.Plaintext);
  try {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', dataKey, iv);
    cipher.setAAD(aad(options.encryptionContext));
    const ciphertext = Buffer.concat([cipher.update(Buffer.from(options.armoredKey, 'utf8')), cipher.final()]);
    return {
      format: WRAPPED_KEY_FORMAT,
      kmsKeyId: out.KeyId ?? options.kmsKeyId,
      encryptionContext: { ...options.encryptionContext },
      encryptedDataKey: Buffer.from(out.CiphertextBlob).toString('base64'),
      iv: iv.toString('base64'),
      tag: cipher.getAuthTag().toString('base64'),
      ciphertext: ciphertext.toString('base64'),
    };
  } finally {
    dataKey.fill(0);
    out.Plaintext.fill(0);
  }
}

export interface UnwrapOptions {
  kms: KmsSender;
  /** The document, as parsed JSON or its text. */
  document: WrappedKeyDocument | string;
  /**
   * The context this process expects (from its configuration, not from the document):
   * a document wrapped for another context is refused before KMS is asked.
   */
  encryptionContext: Record<string, string>;
}

function parseDocument(doc: WrappedKeyDocument | string): WrappedKeyDocument {
  let d: unknown = doc;
  if (typeof doc === 'string') {
    try {
      d = JSON.parse(doc);
    } catch (cause) {
      throw new PlatformKeyError('PLATFORM_KEY_INVALID', 'wrapped key document is not JSON', { cause });
    }
  }
  const x = d as Partial<WrappedKeyDocument>;
  const strings = ['kmsKeyId', 'encryptedDataKey', 'iv', 'tag', 'ciphertext'] as const;
  if (x?.format !== WRAPPED_KEY_FORMAT || strings.some((k) => typeof x[k] !== 'string') || typeof x.encryptionContext !== 'object' || x.encryptionContext === null) {
    throw new PlatformKeyError('PLATFORM_KEY_INVALID', `wrapped key document is not a ${WRAPPED_KEY_FORMAT} document`);
  }
  return x as WrappedKeyDocument;
}

/** Unwraps a KMS-wrapped private key in memory and returns the armored key text. */
export async function unwrapPrivateKey(options: UnwrapOptions): Promise<string> {
  const doc = parseDocument(options.document);
  if (!sameContext(doc.encryptionContext, options.encryptionContext)) {
    throw new PlatformKeyError('PLATFORM_KEY_CONTEXT_MISMATCH', 'wrapped key document was made for another encryption context');
  }
  let out;
  try {
    out = await options.kms.send(
      new DecryptCommand({
        CiphertextBlob: Buffer.from(doc.encryptedDataKey, 'base64'),
        EncryptionContext: options.encryptionContext,
        KeyId: doc.kmsKeyId,
      }),
    );
  } catch (err) {
    throw kmsFailure(err, 'Decrypt');
  }
  if (!out.Plaintext || out.Plaintext.length !== 32) throw new PlatformKeyError('PLATFORM_KEY_KMS_REFUSED', 'KMS returned no usable data key');
  const dataKey = Buffer.from(out.Plaintext);
  try {
    const decipher = createDecipheriv('aes-256-gcm', dataKey, Buffer.from(doc.iv, 'base64'));
    decipher.setAAD(aad(options.encryptionContext));
    decipher.setAuthTag(Buffer.from(doc.tag, 'base64'));
    const plain = Buffer.concat([decipher.update(Buffer.from(doc.ciphertext, 'base64')), decipher.final()]);
    const text = plain.toString('utf8');
    plain.fill(0);
    return text;
  } catch (cause) {
    throw new PlatformKeyError('PLATFORM_KEY_INVALID', 'wrapped key document was altered (authentication failed)', { cause });
  } finally {
    dataKey.fill(0);
    out.Plaintext.fill(0);
  }
}

/** `a=b,c=d` -> { a: 'b', c: 'd' } (the PGP_KEY_KMS_CONTEXT variable). */
export function parseEncryptionContext(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of text.split(',').map((s) => s.trim()).filter((s) => s.length > 0)) {
    const eq = part.indexOf('=');
    if (eq <= 0) throw new ConfigError(['PGP_KEY_KMS_CONTEXT'], 'PGP_KEY_KMS_CONTEXT: must be key=value pairs separated by commas');
    out[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
  }
  if (Object.keys(out).length === 0) throw new ConfigError(['PGP_KEY_KMS_CONTEXT'], 'PGP_KEY_KMS_CONTEXT: at least one key=value pair');
  return out;
}

/** Where the platform key comes from (built from configuration by each service's main.ts). */
export type PlatformKeySource =
  | { kind: 'file'; path: string; passphrase?: string }
  | { kind: 'kms'; wrappedPath: string; encryptionContext: Record<string, string>; passphrase?: string }
  | { kind: 'kms'; wrappedObjectKey: string; encryptionContext: Record<string, string>; passphrase?: string };

/** Reads an object's text from the object store (the wrapped document can rest there: it holds nothing readable without KMS). */
export interface ObjectTextReader {
  get(key: string): Promise<{ body: AsyncIterable<unknown> }>;
}

async function readObjectText(store: ObjectTextReader, key: string): Promise<string> {
  const { body } = await store.get(key);
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * The configuration shape both services use: PGP_PRIVATE_KEY_WRAPPED_FILE selects KMS mode
 * (with PGP_KEY_KMS_CONTEXT), otherwise PGP_PRIVATE_KEY_FILE is read as an armored key.
 */
export function platformKeySourceFrom(config: {
  PGP_PRIVATE_KEY_FILE: string;
  PGP_PRIVATE_KEY_WRAPPED_FILE?: string;
  PGP_PRIVATE_KEY_WRAPPED_OBJECT_KEY?: string;
  PGP_KEY_KMS_CONTEXT?: string;
  PGP_PASSPHRASE?: string;
}): PlatformKeySource {
  const passphrase = config.PGP_PASSPHRASE === undefined ? {} : { passphrase: config.PGP_PASSPHRASE };
  const wrapped = config.PGP_PRIVATE_KEY_WRAPPED_OBJECT_KEY ?? config.PGP_PRIVATE_KEY_WRAPPED_FILE;
  if (wrapped !== undefined) {
    const variable = config.PGP_PRIVATE_KEY_WRAPPED_OBJECT_KEY !== undefined ? 'PGP_PRIVATE_KEY_WRAPPED_OBJECT_KEY' : 'PGP_PRIVATE_KEY_WRAPPED_FILE';
    if (config.PGP_PRIVATE_KEY_WRAPPED_OBJECT_KEY !== undefined && config.PGP_PRIVATE_KEY_WRAPPED_FILE !== undefined) {
      throw new ConfigError(['PGP_PRIVATE_KEY_WRAPPED_FILE', 'PGP_PRIVATE_KEY_WRAPPED_OBJECT_KEY'], 'PGP_PRIVATE_KEY_WRAPPED_FILE and PGP_PRIVATE_KEY_WRAPPED_OBJECT_KEY: set one, not both');
    }
    if (config.PGP_KEY_KMS_CONTEXT === undefined) {
      throw new ConfigError(['PGP_KEY_KMS_CONTEXT'], `PGP_KEY_KMS_CONTEXT: required with ${variable}`);
    }
    const encryptionContext = parseEncryptionContext(config.PGP_KEY_KMS_CONTEXT);
    return config.PGP_PRIVATE_KEY_WRAPPED_OBJECT_KEY !== undefined
      ? { kind: 'kms', wrappedObjectKey: config.PGP_PRIVATE_KEY_WRAPPED_OBJECT_KEY, encryptionContext, ...passphrase }
      : { kind: 'kms', wrappedPath: wrapped, encryptionContext, ...passphrase };
  }
  return { kind: 'file', path: config.PGP_PRIVATE_KEY_FILE, ...passphrase };
}

/**
 * Loads and unlocks the platform key. KMS mode needs `kms` (a KMSClient); the wrapped
 * document is read from a file, or from the object store (`store`) under a key (it holds
 * nothing readable without KMS).
 */
export async function loadPlatformKey(source: PlatformKeySource, deps: { kms?: KmsSender; store?: ObjectTextReader } = {}): Promise<PrivateKey> {
  if (source.kind === 'file') return loadPrivateKey(await readFile(source.path, 'utf8'), source.passphrase);
  const variable = 'wrappedObjectKey' in source ? 'PGP_PRIVATE_KEY_WRAPPED_OBJECT_KEY' : 'PGP_PRIVATE_KEY_WRAPPED_FILE';
  if (!deps.kms) throw new ConfigError([variable], 'a KMS client is needed to unwrap the platform key');
  let document: string;
  if ('wrappedObjectKey' in source) {
    if (!deps.store) throw new ConfigError([variable], 'an object store is needed to read the wrapped platform key');
    document = await readObjectText(deps.store, source.wrappedObjectKey);
  } else {
    document = await readFile(source.wrappedPath, 'utf8');
  }
  const armored = await unwrapPrivateKey({ kms: deps.kms, document, encryptionContext: source.encryptionContext });
  return loadPrivateKey(armored, source.passphrase);
}

/** The variables that name the platform key, shared by every service that loads it (ingest, translator). */
export const platformKeyEnvShape = {
  /** Our PGP private key (armored); partners encrypt to its public half. */
  PGP_PRIVATE_KEY_FILE: z.string().default('var/keys/platform.key.asc'),
  PGP_PASSPHRASE: z.string().optional(),
  /** A KMS-wrapped key document instead of a plain key file (selects KMS mode). */
  PGP_PRIVATE_KEY_WRAPPED_FILE: z.string().optional(),
  /** The same document read from this object-store key instead of a file (ECS: no file to mount). */
  PGP_PRIVATE_KEY_WRAPPED_OBJECT_KEY: z.string().optional(),
  /** KMS encryption context the wrapped key was made with, `k=v,k=v`. Required with PGP_PRIVATE_KEY_WRAPPED_FILE. */
  PGP_KEY_KMS_CONTEXT: z.string().optional(),
};

/** main.ts: the platform key the configuration names, unwrapped with a KMS client in `region` when wrapped. */
export function loadPlatformKeyFromConfig(config: Parameters<typeof platformKeySourceFrom>[0], region: string, store?: ObjectTextReader): Promise<PrivateKey> {
  const source = platformKeySourceFrom(config);
  return loadPlatformKey(source, source.kind === 'kms' ? { kms: new KMSClient({ region }), store } : {});
}
