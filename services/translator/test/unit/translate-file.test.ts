import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Registry } from 'prom-client';
import { MemoryBus } from '@ediflow/bus';
import { EmbeddedObjectStore, readAll } from '@ediflow/store';
import { createLogger, memoryDestination } from '@ediflow/logger';
import { createLogAlerts } from '@ediflow/alerts';
import { parseRegistry, staticRegistry } from '@ediflow/partners';
import { DESTINATIONS, decodeEnvelope, type Envelope, type FileReceivedBody } from '@ediflow/messages';
import { parseX12 } from '@ediflow/x12';
import { documentsFor } from '@ediflow/hipaa';
import type { TrackingEvent } from '@ediflow/tracking';
import { readFileSync } from 'node:fs';
import { createTranslator } from '../../src/domain/translate-file';
import { prometheusTranslatorMetrics } from '../../src/adapters/metrics';

const fixture = (name: string) => readFileSync(path.join(__dirname, '..', 'fixtures', name), 'latin1');

/** Synthetic envelope (an 850, which no guide definition covers): two groups with one set each, both ST02 0001 (partners reuse it); GS06 of the second given. */
function twoGroups(seCount = 4, secondGs06 = '1'): string {
  const group = (n: number) =>
    [
      `GS*PO*SENDER*RECEIVER*20240101*1200*${n === 1 ? '1' : secondGs06}*X*005010`,
      'ST*850*0001',
      `BEG*00*SA*PO${n}**20240101`,
      'REF*IA*VENDOR1',
      `SE*${seCount}*0001`,
      `GE*1*${n === 1 ? '1' : secondGs06}`,
    ].join('~\n');
  return [
    'ISA*00*          *00*          *ZZ*ACME           *ZZ*PAYER          *240101*1200*^*00501*000000042*0*T*:',
    group(1),
    group(2),
    'IEA*2*000000042~\n',
  ].join('~\n');
}

interface PartnerPolicy {
  acceptWithErrors?: string[];
  duplicateInterchange?: { action?: 'reject' | 'alert'; windowDays?: number };
  lenient?: boolean;
  acknowledgments?: ('TA1' | '999' | '277CA')[];
  split?: 'transaction' | 'claim';
}

async function setup(acceptWithErrors: string[] = [], policy: PartnerPolicy = {}) {
  const store = new EmbeddedObjectStore({ root: await mkdtemp(path.join(os.tmpdir(), 'translator-')) });
  const bus = new MemoryBus();
  await bus.connect();
  const published: Envelope[] = [];
  await bus.subscribe(DESTINATIONS.transactionTranslated, async (m) => {
    published.push(decodeEnvelope(m.body));
  });
  const logs = memoryDestination();
  const clock = { now: new Date('2024-01-02T03:04:05Z') };
  const tracked: TrackingEvent[] = [];
  const translator = createTranslator({
    tracking: {
      emit: async (e) => {
        tracked.push(e);
      },
    },
    store,
    bus,
    logger: createLogger({ service: 't', destination: logs }),
    metrics: prometheusTranslatorMetrics(new Registry()),
    partners: staticRegistry(
      parseRegistry({ version: 1, partners: [{ id: 'acme', name: 'Acme', isaSenders: [{ qualifier: 'ZZ', id: 'ACME' }], requireSignature: false, allowPlaintext: true, acknowledgments: ['TA1', '999'], acceptWithErrors, ...policy }] }),
    ),
    alerts: createLogAlerts(createLogger({ service: 't', destination: logs })),
    encryptOutbound: async (_partner, plain) => ({ bytes: plain, suffix: '' }),
    clock: () => clock.now,
  });
  const translate = async (x12: string, fileId = 'f1') => {
    await store.put(`work/${fileId}/source.x12`, x12);
    const message: Envelope<FileReceivedBody> = {
      type: 'FileReceived', version: 1, id: fileId, fileId, partnerId: 'acme', occurredAt: '2024-01-02T03:04:05.000Z',
      body: { sourceKey: `work/${fileId}/source.x12`, size: x12.length, channel: 'test' },
    };
    const outcome = await translator.translate(message);
    await bus.drain(2000);
    return outcome;
  };
  const text = async (key: string) => (await readAll((await store.get(key)).body)).toString('latin1');
  return { translate, published, text, logs, clock, store, tracked };
}

describe('translator', () => {
  it('when a second group reuses GS06, then the first group set is published and the second group is rejected (AK905 19), not published', async () => {
    const { translate, published, text } = await setup();
    const outcome = await translate(twoGroups());
    expect(outcome).toMatchObject({ state: 'translated', transactions: { accepted: 1, rejected: 1 }, acknowledgments: ['outbound/acme/f1.999.x12'] });
    expect(published).toHaveLength(1);
    expect((published[0].body as { segments: { id: string }[] }).segments.map((s) => s.id)).toEqual(['ST', 'BEG', 'REF', 'SE']);
    const ack = parseX12(await text('outbound/acme/f1.999.x12'));
    // One 999 per functional group received.
    const segs = ack[0].groups.flatMap((g) => g.transactions.flatMap((t) => t.segments.map((s) => s.raw)));
    expect(segs.filter((s) => s.startsWith('AK9'))).toEqual(['AK9*A*1*1*1', 'AK9*R*1*1*1*19']);
    expect(ack[0].header.receiverId).toBe('ACME');
  });

  it('when sets of no supported guide arrive, then each published document says why, and the log says it once per reason with codes only', async () => {
    const { translate, published, logs } = await setup();
    await translate(twoGroups(4, '2'));
    const reason = "no supported guide is named by ST03/GS08 '005010' for transaction set 850";
    expect(published.map((p) => (p.body as { guideReason?: string }).guideReason)).toEqual([reason, reason]);
    const lines = logs.text().split('\n').filter((l) => l.includes('transaction set read as generic segments'));
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0])).toMatchObject({ fileId: 'f1', partnerId: 'acme', setId: '850', controlNumber: '0001', position: 1, reason });
    expect(lines[0]).not.toContain('PO1');
  });

  it('when the same interchange carries two valid groups with the same ST02, then each set gets its own id', async () => {
    const { translate, published } = await setup();
    await translate(twoGroups(4, '2'));
    expect(published).toHaveLength(2);
    expect(new Set(published.map((p) => p.id)).size).toBe(2);
  });

  it('when the same file comes twice, then its sets get the same ids and nothing is flagged; a different file with the same control numbers gets other ids', async () => {
    const { translate, published, text, logs } = await setup([], { duplicateInterchange: { action: 'alert' } });
    const original = twoGroups(4, '2');
    await translate(original, 'f1');
    const first = published.splice(0).map((p) => p.id);
    // The same bytes uploaded again: another file id, the same transaction ids.
    await translate(original, 'f2');
    const again = published.splice(0).map((p) => p.id);
    expect(logs.text()).not.toContain('interchange control number reused');
    // Same ISA13, GS06 and ST02 and the same positions; only the first set's purchase order number differs.
    await translate(original.replace('BEG*00*SA*PO1*', 'BEG*00*SA*PO7*'), 'f3');
    const other = published.splice(0).map((p) => p.id);
    expect(first).toHaveLength(2);
    expect(again).toEqual(first);
    expect(other).toHaveLength(2);
    expect(other[0]).not.toBe(first[0]);
    expect(other[1]).toBe(first[1]);
    // The partner's policy accepts the reuse: TA1 E with note 025, and an alert.
    expect(await text('outbound/acme/f3.TA1.x12')).toMatch(/TA1\*000000042\*240101\*1200\*E\*025/);
    expect(logs.text()).toContain('interchange control number reused');
  });

  it('when an 837 file is translated, then tracking gets its outcome, its set with the 999 status and its claims submitted and accepted', async () => {
    const { translate, tracked, published } = await setup([], { acknowledgments: ['999'] });
    await translate(fixture('lfh__demo.837'));
    expect(published).toHaveLength(1);
    const file = tracked.find((e) => e.kind === 'file');
    expect(file).toMatchObject({ kind: 'file', fileId: 'f1', partnerId: 'acme', state: 'translated', transactions: { accepted: 1, rejected: 0 }, groups999: ['A'] });
    const sets = tracked.find((e) => e.kind === 'transactions');
    expect(sets).toMatchObject({ sets: [{ setId: '837', status: 'accepted', transactionId: published[0].id, position: 1 }] });
    const claims = tracked.filter((e) => e.kind === 'claims');
    expect(claims.map((e) => e.kind === 'claims' && e.source)).toEqual(['837', '999']);
    for (const e of claims) if (e.kind === 'claims') expect(e.setKey).toBe(published[0].id);
    const [submitted, ack] = claims as Extract<TrackingEvent, { kind: 'claims' }>[];
    expect(submitted.claims.length).toBeGreaterThan(0);
    expect(submitted.claims[0]).toMatchObject({ status: 'submitted', claimNumber: expect.any(String), billedAmount: expect.any(String) });
    expect(ack.claims.every((c) => c.status === 'accepted')).toBe(true);
    // Only ids, codes, amounts and dates: nothing of the patient.
    expect(JSON.stringify(tracked)).not.toMatch(/"(lastName|firstName|memberId|address|birthDate)"/);
  });

  it('when the 999 rejects an 837 set, then its claims are recorded submitted and rejected, with the codes', async () => {
    const { translate, tracked, published } = await setup([], { acknowledgments: ['999'] });
    const bad = fixture('lfh__demo.837').replace(/SE\*(\d+)\*/, (_m, n: string) => `SE*${Number(n) + 5}*`);
    await translate(bad);
    expect(published).toHaveLength(0);
    expect(tracked.find((e) => e.kind === 'transactions')).toMatchObject({ sets: [{ status: 'rejected', codes: expect.arrayContaining(['SE_COUNT_MISMATCH']) }] });
    const ack = tracked.find((e) => e.kind === 'claims' && e.source === '999');
    expect(ack).toMatchObject({ claims: [expect.objectContaining({ status: 'rejected' })] });
  });

  it('when a file that has its outcome arrives again (a redelivery or a republish), then nothing is published again and its inflight marker goes', async () => {
    const { translate, published, store } = await setup();
    const first = await translate(twoGroups(4, '2'));
    expect(published.splice(0)).toHaveLength(2);
    await store.put('inflight/f1.json', '{}');
    const again = await translate(twoGroups(4, '2'));
    expect(again).toEqual(first);
    expect(published).toHaveLength(0);
    expect(await store.head('inflight/f1.json')).toBeUndefined();
  });

  it('when a partner reuses an ISA13 for other content within the window, then the TA1 rejects the interchange with note 025 and nothing of it is published', async () => {
    const { translate, published, text, clock } = await setup();
    await translate(twoGroups(4, '2'), 'f1');
    expect(published.splice(0)).toHaveLength(2);
    clock.now = new Date('2024-06-01T00:00:00Z');
    const outcome = await translate(twoGroups(4, '2').replace('BEG*00*SA*PO1*', 'BEG*00*SA*PO7*'), 'f2');
    expect(published).toHaveLength(0);
    expect(outcome).toMatchObject({ state: 'rejected', transactions: { accepted: 0, rejected: 2 } });
    expect(await text('outbound/acme/f2.TA1.x12')).toMatch(/TA1\*000000042\*240101\*1200\*R\*025/);
    // The first interchange's record stays: the same reuse is rejected again.
    await translate(twoGroups(4, '2').replace('BEG*00*SA*PO1*', 'BEG*00*SA*PO7*'), 'f3');
    expect(published).toHaveLength(0);
    // Past the window (365 days by default) the number is free again.
    clock.now = new Date('2025-01-03T00:00:00Z');
    await translate(twoGroups(4, '2').replace('BEG*00*SA*PO1*', 'BEG*00*SA*PO7*'), 'f4');
    expect(published).toHaveLength(2);
  });

  it('when SE01 is wrong, then the set is rejected in the 999 and not published; a partner allowed such files gets it with the error noted', async () => {
    const strict = await setup();
    const rejected = await strict.translate(twoGroups(9, '2'));
    expect(rejected).toMatchObject({ state: 'rejected', transactions: { accepted: 0, rejected: 2 } });
    expect(strict.published).toHaveLength(0);
    expect((await strict.text('outbound/acme/f1.999.x12')).match(/IK5\*R\*4/g)).toHaveLength(2);

    const lenient = await setup(['SE_COUNT_MISMATCH']);
    const accepted = await lenient.translate(twoGroups(9, '2'));
    expect(accepted).toMatchObject({ state: 'translated', transactions: { accepted: 2, rejected: 0 } });
    expect(lenient.published).toHaveLength(2);
    expect((await lenient.text('outbound/acme/f1.999.x12')).match(/IK5\*E\*4/g)).toHaveLength(2);
  });

  it('when a group trailer turns out wrong after its sets were read (GE01 count), then the 999 rejects the group and none of its sets is published', async () => {
    const { translate, published, text } = await setup();
    // Group 1 is fine. Group 2 holds a small set, then one over 1 MiB, and its GE says 3 sets: the reader hands on the
    // small set before it reads the chunk with the GE, so the error is known only after that set.
    const filler = Array.from({ length: 50_000 }, (_, i) => `REF*ZZ*FILLER${String(i).padStart(12, '0')}`);
    const x12 = [
      'ISA*00*          *00*          *ZZ*ACME           *ZZ*PAYER          *240101*1200*^*00501*000000042*0*T*:',
      'GS*PO*SENDER*RECEIVER*20240101*1200*1*X*005010', 'ST*850*0001', 'BEG*00*SA*PO1**20240101', 'SE*3*0001', 'GE*1*1',
      'GS*PO*SENDER*RECEIVER*20240101*1200*2*X*005010', 'ST*850*0001', 'BEG*00*SA*PO2**20240101', 'SE*3*0001',
      'ST*850*0002', 'BEG*00*SA*PO3**20240101', ...filler, `SE*${filler.length + 3}*0002`, 'GE*3*2',
      'IEA*2*000000042',
    ].join('~\n') + '~\n';
    expect(x12.length).toBeGreaterThan(1.2 * 1024 * 1024);
    const outcome = await translate(x12);
    expect(outcome).toMatchObject({ state: 'translated', transactions: { accepted: 1, rejected: 2 } });
    expect(published.map((p) => (p.body as { group: { controlNumber: string } }).group.controlNumber)).toEqual(['1']);
    const ack = parseX12(await text('outbound/acme/f1.999.x12'));
    const ak9 = ack[0].groups.flatMap((g) => g.transactions.flatMap((t) => t.segments.map((s) => s.raw))).filter((s) => s.startsWith('AK9'));
    expect(ak9[0]).toBe('AK9*A*1*1*1');
    expect(ak9[1]).toMatch(/^AK9\*R\*3\*2\*/);
  });

  it('when the interchange trailer is missing (a truncated file), then the TA1 rejects the interchange and nothing is published', async () => {
    const { translate, published, text } = await setup();
    const x12 = twoGroups(4, '2').replace(/IEA\*2\*000000042~\n$/, '');
    const outcome = await translate(x12);
    expect(outcome).toMatchObject({ state: 'rejected', transactions: { accepted: 0, rejected: 2 } });
    expect(published).toHaveLength(0);
    expect(await text('outbound/acme/f1.TA1.x12')).toMatch(/TA1\*000000042\*\d+\*\d+\*R\*/);
  });

  it('when the source is not X12, then the file is recorded as rejected with its code and nothing is published', async () => {
    const { translate, published, text, logs } = await setup();
    const outcome = await translate('hello, this is not an interchange');
    expect(outcome).toMatchObject({ state: 'rejected', code: 'X12_NOT_X12' });
    expect(published).toHaveLength(0);
    expect(JSON.parse(await text('work/f1/outcome.json'))).toMatchObject({ state: 'rejected', code: 'X12_NOT_X12' });
    expect(logs.text()).toContain('file rejected');
  });

  it('when an 837P of a known guide arrives, then the published document is loop-aware JSON and the 277CA accepts its claim', async () => {
    const { translate, published, text } = await setup([], { acknowledgments: ['999', '277CA'] });
    const outcome = await translate(fixture('lfh__demo.837').replace(/\*30\*000000005      \*/, '*ZZ*ACME           *'));
    expect(outcome).toMatchObject({ state: 'translated', transactions: { accepted: 1, rejected: 0 }, claimsHeldBack: 0 });
    expect(outcome.acknowledgments).toEqual(['outbound/acme/f1.999.x12', 'outbound/acme/f1.1.277CA.x12']);
    const doc = published[0].body as { guide: string; transactionSet: string; transaction: Record<string, unknown> };
    expect(doc.guide).toBe('005010X222A1');
    expect(doc.transactionSet).toBe('837');
    expect(JSON.stringify(doc.transaction)).toContain('"totalClaimChargeAmount"');
    const ack = parseX12(await text('outbound/acme/f1.1.277CA.x12'));
    const tx = ack[0].groups[0].transactions[0];
    expect(tx.setId).toBe('277');
    expect(tx.segments.some((seg) => seg.id === 'STC' && seg.element(1).startsWith('A1'))).toBe(true);
  });

  it('when a partner splits per claim and wants the 277CA, then one document per claim is published and the 277CA answers every claim', async () => {
    const { translate, published, text } = await setup([], { split: 'claim', acknowledgments: ['999', '277CA'] });
    const one = fixture('lfh__demo.837').replace(/\*30\*000000005      \*/, '*ZZ*ACME           *');
    // the claim (CLM through its last service line, 15 segments) again, with another CLM01
    const claim = one.slice(one.indexOf('CLM*26463774'), one.indexOf('SE*41*0021'));
    const two = one.replace('SE*41*0021', `${claim.replace('CLM*26463774', 'CLM*26463775')}SE*56*0021`);
    const outcome = await translate(two);
    expect(outcome).toMatchObject({ state: 'translated', transactions: { accepted: 1, rejected: 0 }, errorCount: 0 });
    expect(published.map((m) => (m.body as { key: { claimId?: string } }).key.claimId)).toEqual(['26463774', '26463775']);
    const ack = parseX12(await text('outbound/acme/f1.1.277CA.x12'));
    const segments = ack[0].groups[0].transactions[0].segments;
    // TRN*2: the 837's batch (BHT03) at the receiver level, then each claim (CLM01)
    expect(segments.filter((seg) => seg.id === 'TRN' && seg.element(1) === '2').map((seg) => seg.element(2))).toEqual(['244579', '26463774', '26463775']);
  });

  it('when a lenient partner that splits per claim and wants the 277CA sends an 834, then the set is published whole, loop-aware, with its 999 and no 277CA or claim events', async () => {
    const { translate, published, text, tracked } = await setup([], { lenient: true, split: 'claim', acknowledgments: ['999', '277CA'] });
    const outcome = await translate(fixture('lfh__add-dependent.834').replace('*ZZ*123456789012345*', '*ZZ*ACME           *'));
    expect(outcome).toMatchObject({ state: 'translated', transactions: { accepted: 1, rejected: 0 }, claimsHeldBack: 0 });
    expect(outcome.acknowledgments).toEqual(['outbound/acme/f1.999.x12']);
    expect(await text('outbound/acme/f1.999.x12')).toMatch(/AK2\*834\*0001\*005010X220A1~\r?\n?IK5\*A~/);
    expect(published).toHaveLength(1);
    const doc = published[0].body as { guide: string; key: { claimId?: string }; transaction: { members: unknown[] } };
    expect(doc.guide).toBe('005010X220A1');
    expect(doc.key.claimId).toBeUndefined();
    expect(doc.transaction.members).toHaveLength(1);
    expect(tracked.find((e) => e.kind === 'transactions')).toMatchObject({ sets: [{ setId: '834', status: 'accepted', transactionId: published[0].id }] });
    expect(tracked.filter((e) => e.kind === 'claims')).toEqual([]);
  });

  it('when a partner wants no 277CA, then the document published is the one hipaa writes for the set', async () => {
    const { translate, published } = await setup();
    const x12 = fixture('lfh__demo.837').replace(/\*30\*000000005      \*/, '*ZZ*ACME           *');
    await translate(x12);
    expect(published).toHaveLength(1);
    const [ic] = parseX12(x12);
    const group = ic.groups[0];
    const [doc] = documentsFor(group.transactions[0], { interchange: ic, group, fileId: 'f1', transactionIndex: 1 }).documents;
    expect(published[0].body).toEqual(JSON.parse(doc.bytes.toString('utf8')));
  });

  it('when a partner splits per claim and wants no 277CA, then each claim document is published as hipaa writes it, with one id each', async () => {
    const { translate, published } = await setup([], { split: 'claim' });
    const one = fixture('lfh__demo.837').replace(/\*30\*000000005      \*/, '*ZZ*ACME           *');
    const claim = one.slice(one.indexOf('CLM*26463774'), one.indexOf('SE*41*0021'));
    const two = one.replace('SE*41*0021', `${claim.replace('CLM*26463774', 'CLM*26463775')}SE*56*0021`);
    const outcome = await translate(two);
    expect(outcome).toMatchObject({ state: 'translated', transactions: { accepted: 1, rejected: 0 }, errorCount: 0 });
    const [ic] = parseX12(two);
    const group = ic.groups[0];
    const expected = documentsFor(group.transactions[0], { interchange: ic, group, fileId: 'f1', transactionIndex: 1 }, { split: 'claim' }).documents;
    expect(expected.map((d) => d.claimId)).toEqual(['26463774', '26463775']);
    expect(published.map((m) => m.body)).toEqual(expected.map((d) => JSON.parse(d.bytes.toString('utf8')) as unknown));
    // one message id per claim
    expect(new Set(published.map((m) => m.id)).size).toBe(2);
  });

  it('when a lenient partner sends an 837I whose claims break the guide, then the set is accepted with errors, the bad claims are held back and the 277CA rejects them', async () => {
    const { translate, published, text } = await setup([], { lenient: true, acknowledgments: ['999', '277CA'] });
    const outcome = await translate(fixture('lfh__two-claims-single-provider.837i').replace(/\*30\*000000005      \*/, '*ZZ*ACME           *'));
    expect(outcome).toMatchObject({ state: 'translated', transactions: { accepted: 1, rejected: 0 }, claimsHeldBack: 2 });
    expect(published).toHaveLength(0);
    expect(await text('outbound/acme/f1.999.x12')).toMatch(/IK5\*E/);
    const ack277 = await text('outbound/acme/f1.1.277CA.x12');
    expect(ack277.match(/STC\*A7/g)?.length).toBe(2);

    const strict = await setup([], { acknowledgments: ['999'] });
    const rejected = await strict.translate(fixture('lfh__two-claims-single-provider.837i').replace(/\*30\*000000005      \*/, '*ZZ*ACME           *'));
    expect(rejected).toMatchObject({ state: 'rejected', transactions: { accepted: 0, rejected: 1 } });
    expect(await strict.text('outbound/acme/f1.999.x12')).toMatch(/IK5\*R/);
  });
});
