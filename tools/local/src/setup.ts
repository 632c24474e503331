import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile, access } from 'node:fs/promises';
import path from 'node:path';
import { z } from '@ediflow/config';
import { generateKeyPair } from '@ediflow/pgp';
import { parseRegistry, type PartnerSubscriptionInput } from '@ediflow/partners';
import { generateSshKeyPair } from '@ediflow/ingest';

export const DEMO_PARTNER_ID = 'demo-partner';
export const DEMO_SECRET_ENV = 'EDIFLOW_DEMO_CALLBACK_SECRET';

export interface LocalPaths {
  home: string;
  keys: string;
  platformPublic: string;
  platformPrivate: string;
  partnerPublic: string;
  partnerPrivate: string;
  callbackSecret: string;
  /** The demo partner's SSH login key for the embedded SFTP server (and .pub). */
  partnerSsh: string;
  sftpHostKey: string;
  partners: string;
  callbacks: string;
  store: string;
}

/** The variables `npm start` and `npm run demo` share on top of the common ones. */
export const localEnvShape = { EDIFLOW_HOME: z.string().default('var') };

export function localPaths(home: string): LocalPaths {
  const keys = path.join(home, 'keys');
  return {
    home,
    keys,
    platformPublic: path.join(keys, 'platform.pub.asc'),
    platformPrivate: path.join(keys, 'platform.key.asc'),
    partnerPublic: path.join(keys, `${DEMO_PARTNER_ID}.pub.asc`),
    partnerPrivate: path.join(keys, `${DEMO_PARTNER_ID}.key.asc`),
    callbackSecret: path.join(keys, 'demo-callback.secret'),
    partnerSsh: path.join(keys, `${DEMO_PARTNER_ID}.ssh`),
    sftpHostKey: path.join(keys, 'sftp_host_ed25519'),
    partners: path.join(home, 'partners.json'),
    callbacks: path.join(home, 'callbacks'),
    store: path.join(home, 'store'),
  };
}

const exists = (p: string) =>
  access(p).then(
    () => true,
    () => false,
  );

/** The id of the demo partner's subscription to the local callback receiver. */
export const DEMO_SUBSCRIPTION_ID = 'demo-callbacks';

/** The demo partner's subscription to the local callback receiver at `url` (HMAC secret from the environment). */
export function demoSubscription(url: string): PartnerSubscriptionInput {
  return { id: DEMO_SUBSCRIPTION_ID, url, headers: {}, ordering: 'none', auth: [{ type: 'hmac', secrets: [{ env: DEMO_SECRET_ENV }] }] };
}

/**
 * First-run setup of the local demo (paths under its home, default ./var, unless variables name others): the platform's PGP key
 * pair, a demo trading partner with its own key pair, and the partner registry (with the
 * demo partner's subscription for the demo callback receiver). Existing files are kept.
 * Returns what was created, for the start-up message.
 */
export async function ensureLocalSetup(p: LocalPaths, sinkUrl: string): Promise<{ paths: LocalPaths; created: string[] }> {
  const created: string[] = [];
  await mkdir(p.keys, { recursive: true, mode: 0o700 });
  await mkdir(p.callbacks, { recursive: true });
  for (const file of [p.partners, p.platformPrivate, p.sftpHostKey]) await mkdir(path.dirname(file), { recursive: true });
  if (!(await exists(p.platformPrivate))) {
    const pair = await generateKeyPair({ userId: { name: 'ediflow platform (local demo)', email: 'platform@ediflow.invalid' } });
    await writeFile(p.platformPublic, pair.publicKeyArmored);
    await writeFile(p.platformPrivate, pair.privateKeyArmored, { mode: 0o600 });
    created.push(p.platformPrivate);
  }
  if (!(await exists(p.partnerPrivate))) {
    const pair = await generateKeyPair({ userId: { name: 'Demo Partner', email: 'demo-partner@ediflow.invalid' } });
    await writeFile(p.partnerPublic, pair.publicKeyArmored);
    await writeFile(p.partnerPrivate, pair.privateKeyArmored, { mode: 0o600 });
    created.push(p.partnerPrivate);
  }
  if (!(await exists(p.callbackSecret))) {
    await writeFile(p.callbackSecret, `whsec_${randomBytes(24).toString('base64')}\n`, { mode: 0o600 });
    created.push(p.callbackSecret);
  }
  if (!(await exists(p.partnerSsh))) {
    const ssh = generateSshKeyPair(DEMO_PARTNER_ID);
    await writeFile(p.partnerSsh, ssh.privateKey, { mode: 0o600 });
    await writeFile(`${p.partnerSsh}.pub`, `${ssh.publicKey}\n`);
    created.push(p.partnerSsh);
  }
  if (!(await exists(p.partners))) {
    const doc = {
      version: 1,
      partners: [
        {
          id: DEMO_PARTNER_ID,
          name: 'Demo Partner',
          // `npm run demo` adds the ISA sender of each file it sends.
          isaSenders: [{ qualifier: 'ZZ', id: 'DEMOPARTNER' }],
          pgpPublicKeys: [await readFile(p.partnerPublic, 'utf8')],
          sftpUsers: [{ userName: DEMO_PARTNER_ID, sshPublicKeys: [(await readFile(`${p.partnerSsh}.pub`, 'utf8')).trim()] }],
          requireSignature: true,
          allowPlaintext: false,
          split: 'transaction',
          acknowledgments: ['TA1', '999'],
          // Public sample files often carry hand-edited trailer counts and guide errors: the demo
          // partner's sets are accepted with those errors noted in the 999, so every sample shows its JSON.
          acceptWithErrors: ['SE_COUNT_MISMATCH', 'GE_COUNT_MISMATCH', 'GUIDE_*'],
          // Many public samples share an ISA13 (16 of them one number): accepted with an alert, not rejected.
          duplicateInterchange: { action: 'alert', windowDays: 365 },
          // The demo callback receiver; `npm start` points it at the receiver's current address.
          subscriptions: [demoSubscription(sinkUrl)],
        },
      ],
    };
    parseRegistry(doc); // fail here, not in the services, if the demo document were ever wrong
    await writeFile(p.partners, `${JSON.stringify(doc, null, 2)}\n`);
    created.push(p.partners);
  }
  return { paths: p, created };
}

export async function readCallbackSecret(p: LocalPaths): Promise<string> {
  return (await readFile(p.callbackSecret, 'utf8')).trim();
}
