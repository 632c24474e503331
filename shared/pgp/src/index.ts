export * from './errors';
export { isProbablyPgp } from './detect';
export { generateKeyPair, loadPrivateKey, loadPublicKeys } from './keys';
export type { ArmoredKeyPair, GenerateKeyPairOptions, PrivateKey, PublicKey } from './keys';
export { encryptBuffer, encryptStream } from './encrypt';
export type { EncryptOptions } from './encrypt';
export { decryptStream } from './decrypt';
export type { DecryptOptions, DecryptResult, DecryptStreamResult } from './decrypt';
