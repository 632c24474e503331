export { startS3Server, type S3Server } from './s3rver';
export { corpusFile, CORPUS_DIR } from './corpus';
export { seededRandom } from './random';
export { waitFor } from './wait';
export { createTestDatabase, type TestDatabase } from './database';
