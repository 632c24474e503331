import type { Readable } from 'node:stream';

/**
 * The object store port. Two implementations: S3 (@aws-sdk/client-s3, production
 * and S3-protocol servers) and an embedded filesystem store (`npm start`).
 * One contract suite runs against both.
 *
 * Keys never contain PHI: callers build them from fileId and partnerId. Both
 * implementations apply the same key rules (see validateKey) and reject other
 * keys with StoreInvalidKeyError (code STORE_INVALID_KEY).
 *
 * Errors: StoreNotFoundError (STORE_NOT_FOUND), StoreConflictError
 * (STORE_CONFLICT), StoreUnavailableError (STORE_UNAVAILABLE, retryable),
 * StoreFailedError (STORE_FAILED, not retryable). A put whose body stream fails
 * rejects with the stream's own error.
 */
/** What a listing tells about each object (S3 lists carry no user metadata). */
export interface ListedObject {
  key: string;
  size: number;
  /**
   * Opaque, without quotes; changes when the bytes change. The embedded store uses the first 32 hex
   * digits of the bytes' SHA-256; S3 gives the md5 hex for single-part writes without SSE-KMS,
   * `<hex>-<parts>` for multipart uploads, and something else under SSE-KMS.
   */
  etag: string;
  lastModified: Date;
}

export interface ObjectInfo extends ListedObject {
  /** User metadata (x-amz-meta-*), lower-case keys. */
  metadata: Record<string, string>;
}

export interface PutOptions {
  metadata?: Record<string, string>;
  contentType?: string;
  /**
   * Create only: fail with StoreConflictError when the key exists
   * (S3 `If-None-Match: *`). The embedded store honours it atomically.
   */
  ifNoneMatch?: boolean;
}

/** A precondition on the object's current version. */
export interface MatchOptions {
  /**
   * Act only while the object's etag is this one (S3 `If-Match` on DeleteObject,
   * `x-amz-copy-source-if-match` on CopyObject); otherwise reject with StoreConflictError.
   * For an upload that may be replaced under the same key while it is processed: the newer
   * version is neither archived under the older one's id nor deleted unprocessed.
   */
  ifMatch?: string;
}

export type Body = Buffer | string | Uint8Array | Readable;

export interface ObjectStore {
  /** Writes the whole object; resolves when it is durable. Streams upload in parts when large. */
  put(key: string, body: Body, options?: PutOptions): Promise<{ etag: string }>;
  /**
   * Streams an object; rejects with StoreNotFoundError (code STORE_NOT_FOUND) when absent.
   * The caller must read the body to its end or destroy it (it holds a socket or a file).
   */
  get(key: string): Promise<{ body: Readable; info: ObjectInfo }>;
  /** Metadata only, or undefined when absent. */
  head(key: string): Promise<ObjectInfo | undefined>;
  /** Objects under a prefix, in key order (UTF-8 byte order, as S3). No metadata: head() the ones you need. */
  list(prefix: string): AsyncIterable<ListedObject>;
  /** Deletes; absent keys are fine. With `ifMatch`, a different current version rejects with StoreConflictError. */
  delete(key: string, options?: MatchOptions): Promise<void>;
  /** Server-side copy keeping metadata. With `ifMatch`, a different current source version rejects with StoreConflictError. */
  copy(fromKey: string, toKey: string, options?: MatchOptions): Promise<void>;
  /** True once the store answered a request. Feeds /readyz. */
  isReady(): Promise<boolean>;
}
