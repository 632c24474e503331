import { EmbeddedObjectStore, type EmbeddedObjectStoreSettings } from './embedded';
import type { ObjectStore } from './port';
import { S3ObjectStore, type S3ObjectStoreSettings } from './s3';

export type ObjectStoreConfig =
  | ({ kind: 'embedded' } & EmbeddedObjectStoreSettings)
  | ({ kind: 's3' } & S3ObjectStoreSettings);

/** Builds the configured object store. */
export function createObjectStore(config: ObjectStoreConfig): ObjectStore {
  if (config.kind === 's3') {
    const { kind: _kind, ...settings } = config;
    return new S3ObjectStore(settings);
  }
  const { kind: _kind, ...settings } = config;
  return new EmbeddedObjectStore(settings);
}
