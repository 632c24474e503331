import { AppError } from '@ediflow/errors';
import { encryptBuffer, loadPublicKeys, type PrivateKey } from '@ediflow/pgp';
import type { OutboundEncryptor } from '../domain/translate-file';

/**
 * Encrypts outbound files to the partner's registered keys and signs them with ours.
 * A partner without keys gets plaintext only when it is allowed to send plaintext;
 * otherwise writing the file fails (no PHI leaves unencrypted by accident).
 */
export function createPgpOutboundEncryptor(signingKey: PrivateKey | undefined): OutboundEncryptor {
  return async (partner, plain) => {
    if (partner.pgpPublicKeys.length === 0) {
      if (partner.allowPlaintext) return { bytes: plain, suffix: '' };
      throw new AppError('PARTNER_NO_KEY', `partner ${partner.id} has no PGP key to encrypt outbound files to`);
    }
    const encryptionKeys = await loadPublicKeys(partner.pgpPublicKeys);
    const bytes = await encryptBuffer(plain, { encryptionKeys, signingKeys: signingKey });
    return { bytes, suffix: '.pgp' };
  };
}
