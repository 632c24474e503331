/**
 * `npm run demo -- <x12 file>`: sends a file as the demo partner would — signed with the
 * partner's key, encrypted to the platform's key — into inbound/demo-partner/ of the
 * store `npm start` uses. Registers the file's ISA senders for the demo partner first.
 */
import path from 'node:path';
import { createReadStream, createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { readFile, writeFile } from 'node:fs/promises';
import { ConfigError, describeError } from '@ediflow/errors';
import { KEYS } from '@ediflow/messages';
import { createObjectStore } from '@ediflow/store';
import { storeConfigFrom } from '@ediflow/runtime';
import { encryptStream, loadPrivateKey, loadPublicKeys } from '@ediflow/pgp';
import { parseRegistry } from '@ediflow/partners';
import { EnvelopeScanner, EnvelopeUnreadableError } from '@ediflow/ingest';
import { DEMO_PARTNER_ID } from './setup';
import { planLocal, type LocalPlan } from './settings';

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  let out: string | undefined;
  if (args[0] === '--out') {
    out = args[1];
    args.splice(0, 2);
  }
  const file = args[0];
  if (!file || args.length > 1 || (out !== undefined && out === '')) {
    process.stderr.write('usage: npm run demo -- [--out encrypted.pgp] <x12 file>\n');
    process.stderr.write('  without --out: drops the signed, encrypted file in inbound/demo-partner/ of the local store\n');
    process.stderr.write('  with --out: writes it to a file instead, for an upload with the sftp command npm start prints\n');
    process.exit(2);
  }
  let plan: LocalPlan;
  try {
    plan = planLocal(process.env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`demo: ${err.message}\n`);
    process.exit(1);
  }
  const p = plan.paths;
  let partnerKey: string;
  try {
    partnerKey = await readFile(p.partnerPrivate, 'utf8');
  } catch {
    process.stderr.write(`demo: no demo partner keys in ${p.keys}: start the pipeline first with 'npm start'.\n`);
    process.exit(1);
  }

  // Every interchange's sender must be the partner's (ingest checks each ISA): register them all.
  const senders: { qualifier: string; id: string }[] = [];
  const scanner = new EnvelopeScanner({
    interchange: ({ sender }) => {
      if (!senders.some((s) => s.qualifier === sender.qualifier && s.id === sender.id)) senders.push(sender);
    },
    group: () => undefined,
  });
  try {
    for await (const chunk of createReadStream(file)) scanner.push(chunk as Buffer);
    scanner.end();
  } catch (err) {
    if (!(err instanceof EnvelopeUnreadableError)) throw err;
    process.stderr.write(`demo: ${file}: ${err.message}\n`);
    process.exit(1);
  }
  if (senders.length === 0) {
    process.stderr.write(`demo: ${file} does not start with an ISA segment; it is not an X12 interchange.\n`);
    process.exit(1);
  }
  const registry = parseRegistry(JSON.parse(await readFile(p.partners, 'utf8')));
  const doc = registry.document;
  const partner = doc.partners.find((x) => x.id === DEMO_PARTNER_ID);
  const added = senders.filter((sender) => partner !== undefined && !partner.isaSenders.some((s) => s.qualifier === sender.qualifier && s.id === sender.id));
  if (partner && added.length > 0) {
    partner.isaSenders.push(...added);
    await writeFile(p.partners, `${JSON.stringify(doc, null, 2)}\n`);
    for (const sender of added) {
      process.stdout.write(`registered ISA sender ${sender.qualifier}/${sender.id} for ${DEMO_PARTNER_ID} in ${path.relative(process.cwd(), p.partners)}\n`);
    }
  }

  const [platformKey] = await loadPublicKeys([await readFile(p.platformPublic, 'utf8')]);
  const signingKey = await loadPrivateKey(partnerKey);
  const cipher = encryptStream(createReadStream(file), { encryptionKeys: platformKey, signingKeys: signingKey });
  if (out !== undefined) {
    await pipeline(cipher, createWriteStream(out));
    process.stdout.write(`wrote ${out}: signed by ${DEMO_PARTNER_ID}, encrypted to the platform key; upload it to /inbound/ over SFTP\n`);
    return;
  }
  const store = createObjectStore(storeConfigFrom(plan.runtime));
  // The key keeps the partner's own name, as an SFTP upload would; ingest never logs it.
  const key = `${KEYS.inboundPrefix(DEMO_PARTNER_ID)}${Date.now()}-${path.basename(file).replace(/[^A-Za-z0-9._-]/g, '_')}.pgp`;
  await store.put(key, cipher, { metadata: { channel: 'demo' } });
  process.stdout.write(`sent ${path.basename(file)} as ${DEMO_PARTNER_ID}: signed, encrypted, dropped in inbound/${DEMO_PARTNER_ID}/\n`);
  process.stdout.write(`watch the npm start terminal; callbacks land in ${path.relative(process.cwd(), p.callbacks)}/\n`);
}

main().catch((err: unknown) => {
  const { code, message } = describeError(err);
  process.stderr.write(`demo: failed: ${code}: ${message}\n`);
  process.exit(1);
});
