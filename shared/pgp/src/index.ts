export * from './errors';
export { inspectMessageStart, isProbablyPgp, type MessageStart } from './detect';
export { generateKeyPair, loadPrivateKey, loadPublicKeys } from './keys';
export type { ArmoredKeyPair, GenerateKeyPairOptions, PrivateKey, PublicKey } from './keys';
export { encryptBuffer, encryptStream } from './encrypt';
export type { EncryptOptions } from './encrypt';
export { decryptStream, DEFAULT_EXPANSION_FLOOR_BYTES, DEFAULT_MAX_EXPANSION_RATIO } from './decrypt';
export type { DecryptOptions, DecryptResult, DecryptStreamResult } from './decrypt';
