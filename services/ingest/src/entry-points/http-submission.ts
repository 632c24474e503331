import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import type { Readable } from 'node:stream';
import { Router, type Request, type Response } from 'express';
import type { ObjectStore } from '@ediflow/store';
import type { Logger } from '@ediflow/logger';
import type { Partner, RegistrySource } from '@ediflow/partners';
import { isProbablyPgp } from '@ediflow/pgp';
import { AppError, describeError, isRetryable } from '@ediflow/errors';
import { fileIdFor, KEYS } from '@ediflow/messages';
import { limitBytes, peek } from '../domain/streams';
import { cipherLimitFor } from '../domain/ingest-file';
import { readIsaParties } from '../domain/inbound';

export interface SubmissionRouterOptions {
  store: ObjectStore;
  partners: RegistrySource;
  logger: Logger;
  /** The bucket in file ids (same as ingest's). */
  bucket: string;
  /** Plaintext cap; the body may be at most cipherLimitFor(maxFileBytes). */
  maxFileBytes: number;
  /** Called after a file is stored (the ingest service's trigger(), for immediate pickup). */
  onUpload?: (key: string) => void;
  /** Source of upload names; random by default. */
  newId?: () => string;
}

const sha256 = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

/** The partner whose registered token hash matches the bearer token (compared in constant time per hash). */
function partnerForToken(partners: Partner[], token: string): Partner | undefined {
  const digest = sha256(token);
  let found: Partner | undefined;
  for (const p of partners) {
    for (const hex of p.httpTokenSha256) {
      if (timingSafeEqual(Buffer.from(hex, 'hex'), digest)) found ??= p;
    }
  }
  return found;
}

function problem(res: Response, status: number, code: string, message: string): void {
  res.status(status).json({ code, message });
}

/**
 * `POST /v1/files`: a partner submits one file over HTTPS instead of SFTP.
 * Authorization: `Bearer <token>`, checked against the sha-256 hashes in the partner's
 * registry entry. The body (application/octet-stream) is an OpenPGP message, or plain
 * X12 when the partner may send plaintext. It streams into inbound/<partnerId>/ under a
 * generated name (never a client-supplied one) and ingest takes it from there like any
 * upload. Answers 202 `{ fileId }`: the id FileReceived and every later message carry.
 * 401 bad token, 415 not PGP (nor allowed X12), 413 too large, 503 store unavailable.
 */
export function createSubmissionRouter(options: SubmissionRouterOptions): Router {
  const router = Router();
  const newId = options.newId ?? (() => randomUUID());
  const limit = cipherLimitFor(options.maxFileBytes);

  router.post('/v1/files', async (req: Request, res: Response) => {
    const auth = req.headers.authorization ?? '';
    const m = /^Bearer ([A-Za-z0-9._~+/=-]{16,512})$/.exec(auth);
    const partner = m ? partnerForToken((await options.partners.current()).list(), m[1]) : undefined;
    if (!partner) {
      res.setHeader('WWW-Authenticate', 'Bearer');
      return problem(res, 401, 'UNAUTHORIZED', 'a valid partner bearer token is required');
    }
    const declared = Number(req.headers['content-length'] ?? NaN);
    if (Number.isFinite(declared) && declared > limit) return problem(res, 413, 'FILE_TOO_LARGE', `file is over the ${options.maxFileBytes}-byte limit`);
    // 128 bytes hold the ISA up to ISA08 (the ISA is 106 bytes), after a BOM or blank lines.
    const { head, stream } = await peek(req as Readable, 128);
    if (head.length === 0) return problem(res, 400, 'EMPTY_FILE', 'file is empty');
    if (!isProbablyPgp(head) && !(partner.allowPlaintext && readIsaParties(head) !== undefined)) {
      stream.destroy();
      return problem(res, 415, 'NOT_PGP', partner.allowPlaintext ? 'body is neither an OpenPGP message nor X12' : 'body is not an OpenPGP message');
    }
    const key = `${KEYS.inboundPrefix(partner.id)}http-${newId()}`;
    let tooLarge = false;
    const limited = stream.pipe(
      limitBytes(limit, () => {
        tooLarge = true;
        return new AppError('FILE_TOO_LARGE', 'file too large');
      }),
    );
    stream.on('error', (err) => limited.destroy(err));
    try {
      const { etag } = await options.store.put(key, limited, { metadata: { channel: 'http' } });
      const fileId = fileIdFor(options.bucket, key, etag);
      options.logger.info({ partnerId: partner.id, fileId }, 'file submitted over http');
      options.onUpload?.(key);
      res.status(202).json({ fileId });
    } catch (err) {
      if (tooLarge) return problem(res, 413, 'FILE_TOO_LARGE', `file is over the ${options.maxFileBytes}-byte limit`);
      options.logger.warn({ partnerId: partner.id, err: describeError(err) }, 'http submission failed');
      if (isRetryable(err)) return problem(res, 503, 'UNAVAILABLE', 'the file could not be stored; try again');
      return problem(res, 500, 'FAILED', 'the file could not be stored');
    }
  });
  return router;
}
