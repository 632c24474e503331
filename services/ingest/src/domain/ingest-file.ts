import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import type { Bus } from '@ediflow/bus';
import { StoreConflictError, StoreNotFoundError, type ListedObject, type ObjectInfo, type ObjectStore } from '@ediflow/store';
import type { Logger } from '@ediflow/logger';
import type { RegistrySource, Partner } from '@ediflow/partners';
import { AppError, InvalidInputError, describeError, isRetryable } from '@ediflow/errors';
import { DESTINATIONS, KEYS, MESSAGE_TYPES, fileIdFor, publishEnvelope, type FileReceivedBody, type InflightMarker } from '@ediflow/messages';
import { QUARANTINE_CODES, USER_AGENT_ID_METADATA, createPartyCheck, foreignGsCodesOf, parseInboundKey, readIsaParties, sftpUserOf, type PartyProblem } from './inbound';
import { EnvelopeScanner, EnvelopeUnreadableError } from './envelope-scan';
import type { AlertSink, Decryptor } from './ports';
import type { TrackingEmitter } from '@ediflow/tracking';
import type { IngestMetrics } from './metrics';
import { HeadCapture, limitBytes, peek } from './streams';
import { Transform } from 'node:stream';

export interface IngestDeps {
  store: ObjectStore;
  bus: Bus;
  decryptor: Decryptor;
  partners: RegistrySource;
  alerts: AlertSink;
  logger: Logger;
  metrics: IngestMetrics;
  clock: () => Date;
  /** The bucket name that goes into the file id (sha256(bucket/key/etag)). */
  bucket: string;
  /** Largest plaintext accepted (also caps decompression). */
  maxFileBytes: number;
  inlineLimitBytes?: number;
  /** Where receipts and quarantines are recorded (the tracking service). */
  tracking: TrackingEmitter;
}

/**
 * received: FileReceived published, original archived. quarantined: recorded under quarantine/<fileId>/.
 * gone: the upload no longer exists (another replica finished it). ignored: not a partner upload key.
 */
export type IngestOutcome = { fileId: string; outcome: 'received' | 'quarantined' | 'gone' } | { outcome: 'ignored' };

export interface ProcessOptions {
  /** How the file arrived when the metadata does not say (s3, http). */
  channel?: string;
  /**
   * Called just before the commit point (publishing FileReceived); throws to stop
   * (the claim was taken over). Nothing is published when it throws.
   */
  beforePublish?: () => Promise<void>;
}

/** What ingest knows about a file, kept in work/<fileId>/file.json (the only place the partner's file name is kept). */
export interface FileRecord {
  fileId: string;
  partnerId: string;
  originalName: string;
  channel: string;
  receivedAt: string;
  cipherBytes: number;
  plainBytes: number;
  signed: boolean;
}

/** quarantine/<fileId>/reason.json: codes and fixed messages only, never file content or the partner's file name. */
export interface QuarantineReason {
  fileId: string;
  partnerId: string;
  code: string;
  message: string;
  quarantinedAt: string;
}

const HEAD_BYTES = 512;

/** Ciphertext size cap for a plaintext cap: PGP framing adds a little; compression only makes it smaller. */
export const cipherLimitFor = (maxFileBytes: number): number => maxFileBytes + Math.ceil(maxFileBytes / 64) + 1024 * 1024;

/**
 * Ingests one uploaded object: decrypt and verify (streaming), store the plaintext at
 * work/<fileId>/source.x12, publish FileReceived, archive the original, remove the upload.
 * Every step is idempotent, so a crash at any point followed by a retry of the same
 * object yields the same fileId and the same message id (consumers drop the repeat).
 * A bad file is quarantined with a reason instead; a retryable failure (store or broker
 * down) is thrown, and the upload stays where it is for the next attempt.
 */
export function createIngest(deps: IngestDeps) {
  const { store, logger } = deps;
  const { metrics } = deps;

  /**
   * Removes the upload once its version is archived or quarantined, bound to the etag that was
   * read: when the partner replaced the file meanwhile, the newer version stays in inbound/
   * (it has its own file id and is picked up on a later pass) instead of being deleted unread.
   */
  async function removeUpload(info: ObjectInfo, fileId: string): Promise<void> {
    try {
      await store.delete(info.key, { ifMatch: info.etag });
    } catch (err) {
      if (!(err instanceof StoreConflictError)) throw err;
      logger.warn({ fileId }, 'upload replaced while it was ingested; the newer version stays in inbound/');
    }
  }

  async function quarantine(info: ObjectInfo, fileId: string, partnerId: string, err: AppError): Promise<IngestOutcome> {
    const prefix = KEYS.quarantine(fileId);
    try {
      await store.copy(info.key, `${prefix}original`, { ifMatch: info.etag });
    } catch (copyErr) {
      // Another replica finished it (quarantined or received) and removed the upload, or the partner replaced it:
      // the version read is gone either way, and a newer one is a file of its own.
      if ((copyErr instanceof StoreNotFoundError || copyErr instanceof StoreConflictError)) {
        await store.delete(KEYS.source(fileId));
        return { fileId, outcome: 'gone' };
      }
      throw copyErr;
    }
    const reason: QuarantineReason = { fileId, partnerId, code: err.code, message: err.message, quarantinedAt: deps.clock().toISOString() };
    await store.put(`${prefix}reason.json`, JSON.stringify(reason, null, 2), { contentType: 'application/json' });
    await store.delete(KEYS.source(fileId));
    await removeUpload(info, fileId);
    metrics.file('quarantined', err.code);
    logger.warn({ fileId, partnerId, code: err.code }, 'file quarantined');
    await deps.alerts.alert('ediflow: file quarantined', { fileId, partnerId, code: err.code });
    await deps.tracking.emit({ kind: 'file', fileId, partnerId, state: 'quarantined', reasonCode: err.code, sizeBytes: info.size, digest: info.etag, at: reason.quarantinedAt });
    return { fileId, outcome: 'quarantined' };
  }

  /**
   * Passes the plaintext through while checking every ISA and GS against the partner; fails the
   * stream at the first party that is not the uploader's, so nothing of the file is published.
   */
  function envelopeCheck(check: ReturnType<typeof createPartyCheck>): Transform {
    let problem: PartyProblem | undefined;
    const scanner = new EnvelopeScanner({
      interchange: (p) => {
        problem ??= check.interchange(p);
      },
      group: (p) => {
        problem ??= check.group(p);
      },
    });
    const fail = (err: unknown): Error =>
      err instanceof EnvelopeUnreadableError ? new InvalidInputError(QUARANTINE_CODES.envelopeUnreadable, err.message) : (err as Error);
    const verdict = (): Error | null => (problem === undefined ? null : new InvalidInputError(problem.code, problem.message));
    return new Transform({
      transform(chunk: Buffer, _enc, cb) {
        try {
          scanner.push(chunk);
        } catch (err) {
          cb(fail(err));
          return;
        }
        const err = verdict();
        if (err) cb(err);
        else cb(null, chunk);
      },
      flush(cb) {
        try {
          scanner.end();
        } catch (err) {
          cb(fail(err));
          return;
        }
        cb(verdict());
      },
    });
  }

  async function storePlaintext(cipher: Readable, partner: Partner, fileId: string, check: ReturnType<typeof createPartyCheck>) {
    const { head, stream } = await peek(cipher, 64);
    const tooLarge = () => new InvalidInputError(QUARANTINE_CODES.tooLarge, `file is over the ${deps.maxFileBytes}-byte limit`);
    const capture = new HeadCapture(HEAD_BYTES);
    let signed = false;
    let plain: Readable;
    let done: Promise<unknown> = Promise.resolve();
    if (deps.decryptor.looksLikePgp(head)) {
      const decrypted = await deps.decryptor.decrypt(stream, partner);
      plain = decrypted.plaintext;
      done = decrypted.done.then((r) => {
        signed = r.signed;
      });
    } else if (partner.allowPlaintext) {
      plain = stream;
    } else {
      stream.destroy();
      cipher.destroy();
      throw new InvalidInputError(QUARANTINE_CODES.notPgp, 'file is not an OpenPGP message and the partner may not send plaintext');
    }
    const limited = limitBytes(deps.maxFileBytes, tooLarge);
    const body = capture;
    const writing = store.put(KEYS.source(fileId), body, { contentType: 'application/edi-x12' });
    const piping = pipeline(plain, limited, envelopeCheck(check), capture);
    // All three must succeed; if any fails the others fail with it (the pipeline destroys its streams).
    const results = await Promise.allSettled([piping, done, writing]);
    const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failure) {
      cipher.destroy();
      // Prefer the decryptor's or limiter's typed reason over the store's "stream destroyed".
      const typed = results.map((r) => (r.status === 'rejected' ? r.reason : undefined)).find((e) => e instanceof AppError && !e.retryable);
      throw typed ?? failure.reason;
    }
    return { head: capture.head(), plainBytes: capture.total, signed };
  }

  async function processObject(listed: ListedObject, options: ProcessOptions = {}): Promise<IngestOutcome> {
    const inbound = parseInboundKey(listed.key);
    if (!inbound) return { outcome: 'ignored' };
    const fileId = fileIdFor(deps.bucket, listed.key, listed.etag);
    let info: ObjectInfo = { ...listed, metadata: {} };
    const started = Date.now();
    try {
      const registry = await deps.partners.current();
      const partner = registry.find(inbound.partnerId);
      if (!partner) throw new InvalidInputError(QUARANTINE_CODES.unknownPartner, 'no partner is registered for this inbound folder');
      if (listed.size === 0) throw new InvalidInputError(QUARANTINE_CODES.emptyFile, 'file is empty');
      if (listed.size > cipherLimitFor(deps.maxFileBytes)) {
        throw new InvalidInputError(QUARANTINE_CODES.tooLarge, `file is over the ${deps.maxFileBytes}-byte limit`);
      }
      let object: Awaited<ReturnType<ObjectStore['get']>>;
      try {
        object = await store.get(listed.key);
      } catch (err) {
        if (err instanceof StoreNotFoundError) return { fileId, outcome: 'gone' };
        throw err;
      }
      info = object.info;
      if (info.etag !== listed.etag) {
        // Replaced since it was listed: the new version has its own file id and is picked up on the next pass.
        object.body.destroy();
        return { fileId, outcome: 'gone' };
      }
      const sftpUser = sftpUserOf(info.metadata[USER_AGENT_ID_METADATA]);
      if (info.metadata[USER_AGENT_ID_METADATA] !== undefined && !partner.sftpUsers.some((u) => u.userName.toLowerCase() === sftpUser?.toLowerCase())) {
        object.body.destroy();
        throw new InvalidInputError(QUARANTINE_CODES.sftpUserMismatch, 'the uploading SFTP user is not registered for this partner');
      }
      const cipher = object.body;
      const check = createPartyCheck(partner, foreignGsCodesOf(registry.list(), partner.id));
      const { head, plainBytes, signed } = await storePlaintext(cipher, partner, fileId, check);
      if (!readIsaParties(head)) throw new InvalidInputError(QUARANTINE_CODES.notX12, 'decrypted file does not start with an ISA segment');
      const record: FileRecord = {
        fileId,
        partnerId: partner.id,
        originalName: inbound.name,
        channel: sftpUser !== undefined ? 'sftp' : (info.metadata.channel ?? options.channel ?? 's3'),
        receivedAt: deps.clock().toISOString(),
        cipherBytes: info.size,
        plainBytes,
        signed,
      };
      await store.put(KEYS.fileRecord(fileId), JSON.stringify(record), { contentType: 'application/json' });
      if (options.beforePublish) await options.beforePublish();
      const body: FileReceivedBody = { sourceKey: KEYS.source(fileId), size: plainBytes, channel: record.channel };
      const envelope = { type: MESSAGE_TYPES.fileReceived, version: 1, id: fileId, fileId, partnerId: partner.id, occurredAt: record.receivedAt, body };
      // The reconciler republishes from this marker if no outcome follows (a message lost on the way).
      const marker: InflightMarker = { envelope, republished: 0 };
      await store.put(KEYS.inflight(fileId), JSON.stringify(marker), { contentType: 'application/json' });
      await publishEnvelope({ bus: deps.bus, store, inlineLimitBytes: deps.inlineLimitBytes }, DESTINATIONS.fileReceived, envelope);
      await deps.tracking.emit({ kind: 'file', fileId, partnerId: partner.id, state: 'received', channel: record.channel, sizeBytes: plainBytes, digest: info.etag, at: record.receivedAt });
      try {
        await store.copy(info.key, KEYS.archive(fileId), { ifMatch: info.etag });
        await removeUpload(info, fileId);
      } catch (archiveErr) {
        // FileReceived is out and the plaintext stored: a version replaced (or removed) since it was read
        // cannot be archived any more, and what holds the key now is a file of its own.
        if (!((archiveErr instanceof StoreConflictError || archiveErr instanceof StoreNotFoundError))) throw archiveErr;
        logger.warn({ fileId }, 'upload replaced or removed before it was archived; the newer version stays in inbound/');
      }
      metrics.file('received', 'OK');
      metrics.latency(Math.max(0, (deps.clock().getTime() - info.lastModified.getTime()) / 1000));
      metrics.plaintextBytes(plainBytes);
      logger.info({ fileId, partnerId: partner.id, bytes: plainBytes, ms: Date.now() - started }, 'file received');
      return { fileId, outcome: 'received' };
    } catch (err) {
      // Only bad input is quarantined; a non-retryable infrastructure error (e.g. access denied) is not the file's fault.
      if (err instanceof InvalidInputError && !isRetryable(err)) return quarantine(info, fileId, inbound.partnerId, err);
      logger.error({ fileId, err: describeError(err) }, 'file ingest failed; will retry');
      throw err;
    }
  }

  return { processObject };
}

export type Ingest = ReturnType<typeof createIngest>;
