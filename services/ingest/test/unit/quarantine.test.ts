/**
 * Every kind of bad input ends in quarantine/<fileId>/ with the original and reason.json,
 * one alert and one metric increment, and nothing is published. MemoryBus + embedded
 * object store; bad PGP messages are built here with @ediflow/pgp and openpgp.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileIdFor } from '@ediflow/messages';
import { EmbeddedObjectStore, type ObjectStore } from '@ediflow/store';
import type { PartnerRegistryInput } from '@ediflow/partners';
import { seededRandom } from '@ediflow/testkit';
import { bomb, harness, makeParties, registryInput, seal, x12, type Harness, type Parties } from '../helpers';

jest.setTimeout(30_000);

let p: Parties;
beforeAll(async () => {
  p = await makeParties();
});

const NAME = 'CLAIMS_JOHN_DOE_2024.x12.pgp';

interface Envelope {
  sender?: string;
  gsSender?: string;
  gsReceiver?: string;
  /** Bytes of filler in the set, so that later interchanges arrive in later chunks. */
  pad?: number;
}

/** A file of several interchanges (one group and set each), with the parties given. */
function interchanges(...envelopes: Envelope[]): Buffer {
  const pad = (s: string) => s.padEnd(15, ' ');
  return Buffer.from(
    envelopes
      .map((e, i) => {
        const n = String(i + 1).padStart(9, '0');
        const filler = (e.pad ?? 0) > 0 ? `N3*${'X'.repeat(e.pad ?? 0)}~\n` : '';
        return [
          `ISA*00*          *00*          *ZZ*${pad(e.sender ?? 'ACME')}*ZZ*${pad('EDIFLOW')}*240101*1200*^*00501*${n}*0*T*:~`,
          `GS*HC*${e.gsSender ?? 'ACME'}*${e.gsReceiver ?? 'EDIFLOW'}*20240101*1200*${i + 1}*X*005010X222A1~`,
          `ST*837*0001*005010X222A1~NM1*IL*1*DOE*JOHN****MI*W123456789~${filler}SE*${filler ? 4 : 3}*0001~GE*1*${i + 1}~IEA*1*${n}~\n`,
        ].join('\n');
      })
      .join(''),
    'latin1',
  );
}

/** The registry with a second partner, whose ISA sender and GS code the first must not use. */
const withOther = (overrides: Record<string, unknown> = {}) => (q: Parties): PartnerRegistryInput => {
  const doc = registryInput(q, overrides);
  doc.partners.push({ id: 'other', name: 'Other Clinic', isaSenders: [{ qualifier: 'ZZ', id: 'OTHERCO' }], gsSenders: ['OTHERGS'], requireSignature: false, allowPlaintext: true });
  return doc;
};

interface Case {
  name: string;
  code: string;
  input: (p: Parties) => Promise<Buffer>;
  key?: string;
  overrides?: Record<string, unknown>;
  registry?: (p: Parties) => PartnerRegistryInput;
  maxFileBytes?: number;
  metadata?: Record<string, string>;
}

const cases: Case[] = [
  { name: 'a file that is not PGP (partner may not send plaintext)', code: 'NOT_PGP', input: async () => x12() },
  { name: 'a message encrypted to another key', code: 'PGP_WRONG_KEY', input: async (q) => seal(x12(), q.stranger, q.partner) },
  {
    name: 'a tampered ciphertext (one byte flipped in the encrypted data)',
    code: 'PGP_TAMPERED',
    input: async (q) => {
      const c = await seal(x12('ACME', 'EDIFLOW', 4000), q.platform, q.partner);
      c[c.length - 1200] ^= 0x20;
      return c;
    },
  },
  {
    name: 'a truncated ciphertext',
    code: 'PGP_TRUNCATED',
    input: async (q) => {
      const c = await seal(x12('ACME', 'EDIFLOW', 4000), q.platform, q.partner);
      return c.subarray(0, c.length - 700);
    },
  },
  {
    name: 'random bytes whose first byte looks like a packet header',
    code: 'PGP_NOT_PGP',
    input: async () => {
      const random = seededRandom(11);
      const bytes = Buffer.from(Array.from({ length: 8192 }, () => Math.floor(random() * 256)));
      bytes[0] = 0x85;
      return bytes;
    },
  },
  {
    name: 'a message for our key whose session-key packet is damaged',
    code: 'PGP_TAMPERED',
    input: async (q) => {
      const c = await seal(x12(), q.platform, q.partner);
      c[20] ^= 0x55;
      return c;
    },
  },
  { name: 'an unsigned message from a partner that must sign', code: 'PGP_UNSIGNED', input: async (q) => seal(x12(), q.platform, null) },
  { name: 'a message signed by a key that is not the partner\'s', code: 'PGP_BAD_SIGNATURE', input: async (q) => seal(x12(), q.platform, q.stranger) },
  {
    name: 'a decompression bomb (a few KB that inflate past the limit)',
    code: 'PGP_TOO_LARGE',
    maxFileBytes: 1024 * 1024,
    input: async (q) => {
      const input = await bomb(q, 16);
      expect(input.length).toBeLessThan(64 * 1024);
      return input;
    },
  },
  { name: 'a file in the folder of a partner nobody registered', code: 'UNKNOWN_PARTNER', key: `inbound/nobody/${NAME}`, input: async (q) => seal(x12(), q.platform, q.partner) },
  { name: 'a file whose ISA sender is not the partner\'s', code: 'SENDER_MISMATCH', input: async (q) => seal(x12('MALLORY'), q.platform, q.partner) },
  {
    name: 'a file whose second interchange, 200 KB in, carries another partner\'s ISA sender',
    code: 'SENDER_MISMATCH',
    registry: withOther(),
    input: async (q) => seal(interchanges({ pad: 200 * 1024 }, { sender: 'OTHERCO', gsSender: 'OTHERCO' }), q.platform, q.partner),
  },
  {
    name: 'a file whose second group uses another partner\'s GS02 under the uploader\'s own ISA',
    code: 'GS_SENDER_MISMATCH',
    registry: withOther(),
    input: async (q) => seal(interchanges({}, { gsSender: 'OTHERGS' }), q.platform, q.partner),
  },
  {
    name: 'a file whose GS02 is not one of the partner\'s listed GS sender codes',
    code: 'GS_SENDER_MISMATCH',
    overrides: { gsSenders: ['ACME'] },
    input: async (q) => seal(interchanges({}, { gsSender: 'ACMEBILLING' }), q.platform, q.partner),
  },
  {
    name: 'a file whose GS03 is not a receiver code registered for the partner',
    code: 'GS_RECEIVER_MISMATCH',
    overrides: { gsReceivers: ['EDIFLOW'] },
    input: async (q) => seal(interchanges({}, { gsReceiver: 'SOMEONEELSE' }), q.platform, q.partner),
  },
  {
    name: 'a file whose second group has no segment terminator within 1 KB',
    code: 'ENVELOPE_UNREADABLE',
    input: async (q) => seal(Buffer.concat([interchanges({}), Buffer.from(`GS*HC*ACME${'*'.repeat(2000)}`)]), q.platform, q.partner),
  },
  {
    name: 'a file whose ISA receiver is not one the partner may address',
    code: 'RECEIVER_MISMATCH',
    overrides: { isaReceivers: [{ qualifier: 'ZZ', id: 'EDIFLOW' }] },
    input: async (q) => seal(x12('ACME', 'SOMEONEELSE'), q.platform, q.partner),
  },
  { name: 'a decrypted file that is not X12', code: 'NOT_X12', input: async (q) => seal(Buffer.from('Dear John Doe, here are your claims'), q.platform, q.partner) },
  { name: 'an empty file', code: 'EMPTY_FILE', input: async () => Buffer.alloc(0) },
  {
    name: 'a plaintext file over the size limit',
    code: 'FILE_TOO_LARGE',
    overrides: { allowPlaintext: true },
    maxFileBytes: 2048,
    input: async () => x12('ACME', 'EDIFLOW', 4096),
  },
  {
    name: 'a ciphertext far over the size limit (refused before reading)',
    code: 'FILE_TOO_LARGE',
    maxFileBytes: 2048,
    input: async (q) => seal(x12('ACME', 'EDIFLOW', 1100 * 1024), q.platform, q.partner),
  },
  {
    name: 'an SFTP upload by a user that is not the partner\'s',
    code: 'SFTP_USER_MISMATCH',
    metadata: { 'user-agent-id': 'other_user@s-0123456789abcdef0' },
    input: async (q) => seal(x12(), q.platform, q.partner),
  },
];

describe('quarantine', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it.each(cases)('when ingest gets $name, then it is quarantined as $code with the original, an alert, a metric, and nothing published', async (c) => {
    h = await harness(p, c.registry ? c.registry(p) : registryInput(p, c.overrides), { maxFileBytes: c.maxFileBytes });
    const input = await c.input(p);
    const key = c.key ?? `inbound/acme/${NAME}`;
    const { etag } = await h.store.put(key, input, { metadata: c.metadata });
    const listed = { key, size: input.length, etag, lastModified: new Date() };
    const fileId = fileIdFor(h.bucket, key, etag);

    const outcome = await h.service().processClaimed(listed);
    await h.settle();

    expect(outcome).toEqual({ fileId, outcome: 'quarantined' });
    expect((await h.bytes(`quarantine/${fileId}/original`))?.equals(input)).toBe(true);
    const reason = JSON.parse((await h.text(`quarantine/${fileId}/reason.json`)) ?? 'null') as Record<string, string>;
    expect(reason).toEqual({ fileId, partnerId: key.split('/')[1], code: c.code, message: expect.any(String), quarantinedAt: expect.any(String) });
    // No PHI: neither the partner's file name nor content from the file.
    expect(JSON.stringify(reason)).not.toMatch(/JOHN|DOE|W123456789/);
    expect(h.alerts()).toEqual([expect.objectContaining({ alert: 'ediflow: file quarantined', fileId, code: c.code })]);
    expect(await h.count('quarantined', c.code)).toBe(1);
    expect(h.received).toEqual([]);
    expect(await h.store.head(`work/${fileId}/source.x12`)).toBeUndefined();
    expect(await h.store.head(`work/${fileId}/file.json`)).toBeUndefined();
    expect(await h.store.head(key)).toBeUndefined();
    expect(h.logs.text()).not.toMatch(/JOHN|DOE|W123456789/);
  });

  it('when every interchange and group of a multi-interchange file is the partner\'s, then it is received', async () => {
    h = await harness(p, withOther({ gsSenders: ['ACME', 'ACMEBILLING'] })(p));
    const plain = interchanges({ pad: 150 * 1024 }, { gsSender: 'ACMEBILLING' }, { pad: 70 * 1024 });
    const input = await seal(plain, p.platform, p.partner);
    const key = `inbound/acme/${NAME}`;
    const { etag } = await h.store.put(key, input);
    const outcome = await h.service().processClaimed({ key, size: input.length, etag, lastModified: new Date() });
    await h.settle();
    expect(outcome).toMatchObject({ outcome: 'received' });
    expect(h.received).toHaveLength(1);
  });

  it('when a good file arrives, then FileReceived carries the file id, the plaintext is stored, the original archived and the name kept only in file.json', async () => {
    h = await harness(p, registryInput(p));
    const plain = x12();
    const input = await seal(plain, p.platform, p.partner);
    const key = `inbound/acme/${NAME}`;
    const { etag } = await h.store.put(key, input, { metadata: { 'user-agent-id': 'acme_sftp@s-0123456789abcdef0' } });
    const fileId = fileIdFor(h.bucket, key, etag);

    const outcome = await h.service().processClaimed({ key, size: input.length, etag, lastModified: new Date() });
    await h.settle();

    expect(outcome).toEqual({ fileId, outcome: 'received' });
    expect(h.received).toEqual([expect.objectContaining({ type: 'FileReceived', id: fileId, fileId, partnerId: 'acme', body: { sourceKey: `work/${fileId}/source.x12`, size: plain.length, channel: 'sftp' } })]);
    expect((await h.bytes(`work/${fileId}/source.x12`))?.equals(plain)).toBe(true);
    expect((await h.bytes(`archive/${fileId}/original`))?.equals(input)).toBe(true);
    expect(JSON.parse((await h.text(`work/${fileId}/file.json`)) ?? '{}')).toMatchObject({ originalName: NAME, signed: true, plainBytes: plain.length });
    expect(await h.store.head(key)).toBeUndefined();
    expect(await h.count('received', 'OK')).toBe(1);
    expect(h.alerts()).toEqual([]);
    expect(h.logs.text()).not.toContain(NAME);
  });

  describe('when the partner uploads the same name again while the first version is being ingested', () => {
    /** An embedded store that puts `replacement` under the upload's key when ingest writes `trigger` (after its read). */
    function replacingStore(root: string, key: string, trigger: RegExp, replacement: () => Buffer): ObjectStore {
      const inner = new EmbeddedObjectStore({ root });
      let done = false;
      return Object.assign(Object.create(inner) as ObjectStore, {
        async put(k: string, body: Parameters<ObjectStore['put']>[1], options?: Parameters<ObjectStore['put']>[2]) {
          const result = await inner.put(k, body, options);
          if (!done && trigger.test(k)) {
            done = true;
            await inner.put(key, replacement());
          }
          return result;
        },
      });
    }

    it('when the first version is good, then it is received, and the newer version is neither archived under its id nor deleted but received next', async () => {
      const root = await mkdtemp(path.join(os.tmpdir(), 'ingest-replace-'));
      const key = `inbound/acme/${NAME}`;
      const first = await seal(x12(), p.platform, p.partner);
      const second = await seal(x12('ACME', 'EDIFLOW', 300), p.platform, p.partner);
      h = await harness(p, registryInput(p), { store: replacingStore(root, key, /\/file\.json$/, () => second) });
      const service = h.service();
      const { etag } = await h.store.put(key, first);
      const firstId = fileIdFor(h.bucket, key, etag);

      expect(await service.processClaimed({ key, size: first.length, etag, lastModified: new Date() })).toEqual({ fileId: firstId, outcome: 'received' });
      const now = await h.store.head(key);
      expect(now?.size).toBe(second.length);
      expect(await h.store.head(`archive/${firstId}/original`)).toBeUndefined();
      expect(h.logs.text()).toContain('the newer version stays in inbound/');

      const secondId = fileIdFor(h.bucket, key, (now as { etag: string }).etag);
      expect(await service.processClaimed({ key, size: second.length, etag: (now as { etag: string }).etag, lastModified: new Date() })).toEqual({ fileId: secondId, outcome: 'received' });
      await h.settle();
      expect(h.received.map((e) => e.fileId)).toEqual([firstId, secondId]);
      expect((await h.bytes(`archive/${secondId}/original`))?.equals(second)).toBe(true);
      expect(await h.store.head(key)).toBeUndefined();
      await rm(root, { recursive: true, force: true });
    });

    it('when the first version is bad, then the quarantine stops without deleting the newer version, which is received next', async () => {
      const root = await mkdtemp(path.join(os.tmpdir(), 'ingest-replace-'));
      const key = `inbound/acme/${NAME}`;
      // Not X12: found bad only after its plaintext is stored, which is when the partner replaces it here.
      const bad = await seal(Buffer.from('Dear John Doe, here are your claims'), p.platform, p.partner);
      const good = await seal(x12(), p.platform, p.partner);
      h = await harness(p, registryInput(p), { store: replacingStore(root, key, /\/source\.x12$/, () => good) });
      const service = h.service();
      const { etag } = await h.store.put(key, bad);
      const badId = fileIdFor(h.bucket, key, etag);

      expect(await service.processClaimed({ key, size: bad.length, etag, lastModified: new Date() })).toEqual({ fileId: badId, outcome: 'gone' });
      expect(await h.store.head(`work/${badId}/source.x12`)).toBeUndefined();
      const now = await h.store.head(key);
      expect(now?.size).toBe(good.length);
      const goodId = fileIdFor(h.bucket, key, (now as { etag: string }).etag);
      expect(await service.processClaimed({ key, size: good.length, etag: (now as { etag: string }).etag, lastModified: new Date() })).toEqual({ fileId: goodId, outcome: 'received' });
      await h.settle();
      expect(h.received.map((e) => e.fileId)).toEqual([goodId]);
      await rm(root, { recursive: true, force: true });
    });
  });

  it('when the same bytes are uploaded again under the same name after ingest, then the repeat is removed and nothing is published twice', async () => {
    h = await harness(p, registryInput(p));
    const input = await seal(x12(), p.platform, p.partner);
    const key = `inbound/acme/${NAME}`;
    const service = h.service();
    const first = await h.store.put(key, input);
    await service.processClaimed({ key, size: input.length, etag: first.etag, lastModified: new Date() });
    const again = await h.store.put(key, input);
    expect(again.etag).toBe(first.etag);

    const outcome = await service.processClaimed({ key, size: input.length, etag: again.etag, lastModified: new Date() });
    await h.settle();

    expect(outcome).toEqual({ outcome: 'done', fileId: fileIdFor(h.bucket, key, first.etag) });
    expect(await h.store.head(key)).toBeUndefined();
    expect(h.received).toHaveLength(1);
  });
});
