export type { Body, ListedObject, MatchOptions, ObjectInfo, ObjectStore, PutOptions } from './port';
export {
  STORE_CONFLICT,
  STORE_FAILED,
  STORE_INVALID_KEY,
  STORE_NOT_FOUND,
  STORE_UNAVAILABLE,
  StoreConflictError,
  StoreFailedError,
  StoreInvalidKeyError,
  StoreNotFoundError,
  StoreUnavailableError,
  loggableKey,
} from './errors';
export { MAX_KEY_BYTES, compareKeys, validateKey, validatePrefix } from './keys';
export { EmbeddedObjectStore, type EmbeddedObjectStoreSettings } from './embedded';
export { MIN_PART_SIZE_BYTES, S3ObjectStore, mapS3Error, type S3ObjectStoreSettings } from './s3';
export { createObjectStore, type ObjectStoreConfig } from './factory';
export { readAll, readJson } from './stream';
