import { readFileSync } from 'node:fs';
import { measureIngestFile } from '../measure/ingest';
import type { Job } from './types';

/**
 * Ingest end to end on one signed + encrypted file (see pgp-fixture.ts): put into an embedded store
 * under inbound/, then processObject timed (streaming decrypt + verify, store work/<id>/source.x12,
 * file.json, publish FileReceived, archive). Peak RSS is this process's.
 */
export const ingestFile: Job = async (params) => {
  const r = await measureIngestFile({
    cipherFile: params.cipherFile as string,
    privateKeyArmored: readFileSync(params.privateKeyFile as string, 'utf8'),
    partnerPublicKeyArmored: readFileSync(params.publicKeyFile as string, 'utf8'),
    isaSender: { qualifier: 'ZZ', id: params.isaSenderId as string },
    plainBytes: params.plainBytes as number,
    storeRoot: params.storeRoot as string,
  });
  return { seconds: r.ingestMs / 1000, bytes: r.plainBytes, cipherBytes: r.cipherBytes };
};
