import {
  CopyObjectCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  type PutObjectCommandInput,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { Readable } from 'node:stream';
import { AppError, ConfigError } from '@ediflow/errors';
import { StoreConflictError, StoreFailedError, StoreNotFoundError, StoreUnavailableError } from './errors';
import { validateKey, validatePrefix } from './keys';
import type { Body, ListedObject, MatchOptions, ObjectInfo, ObjectStore, PutOptions } from './port';
import { bodyBytes } from './stream';

export interface S3ObjectStoreSettings {
  bucket: string;
  region: string;
  /** For S3-protocol servers (s3rver in tests) or VPC endpoints; the SDK resolves AWS endpoints otherwise. */
  endpoint?: string;
  /** Path-style URLs (`endpoint/bucket/key`); needed by most S3-protocol servers. */
  forcePathStyle?: boolean;
  /** Static credentials; when omitted the SDK default chain (env, ECS task role, ...) is used. */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** When set, every put and copy asks for SSE-KMS with this key (id, ARN or alias). */
  sseKmsKeyId?: string;
  /** Part size of multipart uploads, at least 5 MiB (S3's minimum). Default 8 MiB. */
  partSizeBytes?: number;
  /** Parts uploaded at once. Memory per streamed put is about partSizeBytes * (queueSize + 2). Default 2. */
  queueSize?: number;
  /** Page size of list requests (S3 caps it at 1000). Default 1000. */
  listPageSize?: number;
  /** Attempts per request, SDK retry strategy included. Default 3 (the SDK's default). */
  maxAttempts?: number;
  /**
   * Whether the SDK adds CRC checksums to uploads. Default 'WHEN_SUPPORTED' (the SDK's
   * default, right for AWS); S3-protocol servers that do not understand aws-chunked
   * trailers need 'WHEN_REQUIRED'.
   */
  requestChecksumCalculation?: 'WHEN_SUPPORTED' | 'WHEN_REQUIRED';
}

export const MIN_PART_SIZE_BYTES = 5 * 1024 * 1024;
const DEFAULT_PART_SIZE_BYTES = 8 * 1024 * 1024;
const DEFAULT_QUEUE_SIZE = 2;

/**
 * The object store on S3 (production) or any S3-protocol server. Bodies stream
 * both ways: gets hand back the SDK's response stream; puts of a Readable go
 * through a multipart Upload, so memory stays near partSize * (queueSize + 2)
 * whatever the object size.
 *
 * `ifNoneMatch` sends `If-None-Match: *` (on PutObject, and on
 * CompleteMultipartUpload for multipart puts); S3 has honoured it since August
 * 2024 and answers 412 (or 409 on a concurrent conflicting write), which
 * becomes StoreConflictError.
 */
/** ObjectInfo from a GetObject or HeadObject answer. */
function objectInfo(key: string, out: { ContentLength?: number; ETag?: string; LastModified?: Date; Metadata?: Record<string, string> }): ObjectInfo {
  return {
    key,
    size: out.ContentLength ?? 0,
    etag: unquote(out.ETag),
    lastModified: out.LastModified ?? new Date(0),
    metadata: lowerCaseKeys(out.Metadata ?? {}),
  };
}

export class S3ObjectStore implements ObjectStore {
  readonly bucket: string;
  private readonly client: S3Client;
  private readonly partSize: number;
  private readonly queueSize: number;
  private readonly listPageSize: number;
  private readonly sseKmsKeyId: string | undefined;

  constructor(settings: S3ObjectStoreSettings) {
    this.bucket = settings.bucket;
    this.partSize = settings.partSizeBytes ?? DEFAULT_PART_SIZE_BYTES;
    this.queueSize = settings.queueSize ?? DEFAULT_QUEUE_SIZE;
    this.listPageSize = settings.listPageSize ?? 1000;
    this.sseKmsKeyId = settings.sseKmsKeyId;
    const invalid: string[] = [];
    if (!settings.bucket) invalid.push('bucket');
    if (!settings.region) invalid.push('region');
    if (!Number.isInteger(this.partSize) || this.partSize < MIN_PART_SIZE_BYTES) invalid.push('partSizeBytes');
    if (!Number.isInteger(this.queueSize) || this.queueSize < 1) invalid.push('queueSize');
    if (!Number.isInteger(this.listPageSize) || this.listPageSize < 1 || this.listPageSize > 1000) invalid.push('listPageSize');
    if (invalid.length > 0) throw new ConfigError(invalid, `invalid S3 object store settings: ${invalid.join(', ')}`);
    const config: S3ClientConfig = {
      region: settings.region,
      ...(settings.endpoint === undefined ? {} : { endpoint: settings.endpoint }),
      ...(settings.forcePathStyle === undefined ? {} : { forcePathStyle: settings.forcePathStyle }),
      ...(settings.credentials === undefined ? {} : { credentials: settings.credentials }),
      ...(settings.maxAttempts === undefined ? {} : { maxAttempts: settings.maxAttempts }),
      ...(settings.requestChecksumCalculation === undefined
        ? {}
        : {
            requestChecksumCalculation: settings.requestChecksumCalculation,
            responseChecksumValidation: settings.requestChecksumCalculation,
          }),
    };
    this.client = new S3Client(config);
  }

  async put(key: string, body: Body, options: PutOptions = {}): Promise<{ etag: string }> {
    validateKey(key);
    const params: PutObjectCommandInput = {
      Bucket: this.bucket,
      Key: key,
      ...(options.metadata === undefined ? {} : { Metadata: lowerCaseKeys(options.metadata) }),
      ...(options.contentType === undefined ? {} : { ContentType: options.contentType }),
      ...(options.ifNoneMatch === true ? { IfNoneMatch: '*' } : {}),
      ...this.encryption(),
    };
    const bytes = bodyBytes(body);
    if (bytes && bytes.length <= this.partSize) {
      try {
        const out = await this.client.send(new PutObjectCommand({ ...params, Body: bytes, ContentLength: bytes.length }));
        return { etag: unquote(out.ETag) };
      } catch (err) {
        throw mapError(err, 'put', key);
      }
    }
    const source = bytes ?? (body as Readable);
    let sourceError: { error: unknown } | undefined;
    const onSourceError = (error: unknown): void => {
      sourceError ??= { error };
    };
    if (!bytes) (source as Readable).on('error', onSourceError);
    try {
      const upload = new Upload({
        client: this.client,
        params: { ...params, Body: source },
        partSize: this.partSize,
        queueSize: this.queueSize,
        leavePartsOnError: false,
      });
      const out = await upload.done();
      return { etag: unquote(out.ETag) };
    } catch (err) {
      if (sourceError) throw sourceError.error;
      throw mapError(err, 'put', key);
    } finally {
      if (!bytes) (source as Readable).off('error', onSourceError);
    }
  }

  async get(key: string): Promise<{ body: Readable; info: ObjectInfo }> {
    validateKey(key);
    try {
      const out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      const sdkBody = out.Body;
      const body = sdkBody instanceof Readable ? sdkBody : Readable.from(sdkBody as AsyncIterable<Uint8Array>);
      return {
        body,
        info: objectInfo(key, out),
      };
    } catch (err) {
      throw mapError(err, 'get', key);
    }
  }

  async head(key: string): Promise<ObjectInfo | undefined> {
    validateKey(key);
    try {
      const out = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return objectInfo(key, out);
    } catch (err) {
      const mapped = mapError(err, 'head', key);
      if (mapped instanceof StoreNotFoundError) return undefined;
      throw mapped;
    }
  }

  async *list(prefix: string): AsyncIterable<ListedObject> {
    validatePrefix(prefix);
    let token: string | undefined;
    do {
      let page;
      try {
        page = await this.client.send(
          new ListObjectsV2Command({
            Bucket: this.bucket,
            Prefix: prefix,
            MaxKeys: this.listPageSize,
            ...(token === undefined ? {} : { ContinuationToken: token }),
          }),
        );
      } catch (err) {
        throw mapError(err, 'list', undefined);
      }
      for (const item of page.Contents ?? []) {
        if (item.Key === undefined) continue;
        yield { key: item.Key, size: item.Size ?? 0, etag: unquote(item.ETag), lastModified: item.LastModified ?? new Date(0) };
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token !== undefined);
  }

  async delete(key: string, options: MatchOptions = {}): Promise<void> {
    validateKey(key);
    try {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key, ...(options.ifMatch === undefined ? {} : { IfMatch: `"${options.ifMatch}"` }) }));
    } catch (err) {
      const mapped = mapError(err, 'delete', key);
      if (mapped instanceof StoreNotFoundError) return;
      throw mapped;
    }
  }

  async copy(fromKey: string, toKey: string, options: MatchOptions = {}): Promise<void> {
    validateKey(fromKey);
    validateKey(toKey);
    try {
      await this.client.send(
        new CopyObjectCommand({
          Bucket: this.bucket,
          Key: toKey,
          CopySource: `${encodeURIComponent(this.bucket)}/${fromKey.split('/').map(encodeURIComponent).join('/')}`,
          ...(options.ifMatch === undefined ? {} : { CopySourceIfMatch: `"${options.ifMatch}"` }),
          MetadataDirective: 'COPY',
          ...this.encryption(),
        }),
      );
    } catch (err) {
      const mapped = mapError(err, 'copy', fromKey);
      if (mapped instanceof StoreNotFoundError) throw new StoreNotFoundError(fromKey, { cause: err });
      throw mapped;
    }
  }

  async isReady(): Promise<boolean> {
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
      return true;
    } catch {
      return false;
    }
  }

  /** Closes the SDK's sockets. */
  destroy(): void {
    this.client.destroy();
  }

  private encryption(): { ServerSideEncryption?: 'aws:kms'; SSEKMSKeyId?: string } {
    return this.sseKmsKeyId === undefined ? {} : { ServerSideEncryption: 'aws:kms', SSEKMSKeyId: this.sseKmsKeyId };
  }
}

const THROTTLING_NAMES = new Set([
  'SlowDown',
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'RequestThrottled',
  'RequestThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'ProvisionedThroughputExceededException',
  'BandwidthLimitExceeded',
  'RequestTimeout',
  'RequestTimeoutException',
  'InternalError',
  'ServiceUnavailable',
  'TimeoutError',
  'AbortError',
]);

/**
 * Turns an SDK (or network) failure into the store's errors: missing object ->
 * StoreNotFoundError; failed precondition -> StoreConflictError; network,
 * 5xx and throttling -> StoreUnavailableError (retryable); anything else ->
 * StoreFailedError (not retryable). The SDK error is kept as `cause`.
 */
export function mapS3Error(err: unknown, operation: string, key: string | undefined): AppError {
  return mapError(err, operation, key);
}

/** Operations that may carry a precondition (If-None-Match, If-Match, x-amz-copy-source-if-match). */
const CONDITIONAL = new Set(['put', 'delete', 'copy']);

function mapError(err: unknown, operation: string, key: string | undefined): AppError {
  if (err instanceof AppError) return err;
  const e = (typeof err === 'object' && err !== null ? err : {}) as {
    name?: string;
    Code?: string;
    $metadata?: { httpStatusCode?: number };
    $retryable?: unknown;
  };
  const status = e.$metadata?.httpStatusCode;
  const name = e.Code ?? e.name ?? '';
  if (name === 'NoSuchKey' || (name === 'NotFound' && status === 404)) return new StoreNotFoundError(key ?? '', { cause: err });
  if (CONDITIONAL.has(operation) && (status === 412 || status === 409 || name === 'PreconditionFailed' || name === 'ConditionalRequestConflict')) {
    return new StoreConflictError(key ?? '', { cause: err });
  }
  if (status === undefined || status >= 500 || status === 429 || THROTTLING_NAMES.has(name) || e.$retryable !== undefined) {
    return new StoreUnavailableError(operation, key, { cause: err });
  }
  return new StoreFailedError(operation, key, { cause: err, status, awsCode: name || undefined });
}

function unquote(etag: string | undefined): string {
  return (etag ?? '').replace(/^(W\/)?"(.*)"$/, '$2');
}

function lowerCaseKeys(metadata: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(metadata).map(([k, v]) => [k.toLowerCase(), v]));
}
