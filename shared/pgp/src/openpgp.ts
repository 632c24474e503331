/*
 * openpgp 6 ships its types as an ES module while its Node "require" entry is
 * CommonJS. Under module node16 a static import from a CommonJS file is refused
 * (TS1479), so the types are imported in ESM resolution mode and the CommonJS
 * build is loaded with require.
 */
import type * as OpenPgp from 'openpgp' with { 'resolution-mode': 'import' };

// eslint-disable-next-line @typescript-eslint/no-require-imports -- see above: the CJS build of an ESM-typed package
export const openpgp = require('openpgp') as typeof OpenPgp;

export type PrivateKey = OpenPgp.PrivateKey;
export type PublicKey = OpenPgp.PublicKey;
export type Signature = OpenPgp.Signature;
