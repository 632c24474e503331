/**
 * The claim lifecycle through the running pipeline (`npm start`, tracking on PGlite): a provider's
 * 837P file is translated and answered with a 999, then the payer sends a 277CA and an 835 as
 * inbound files of its own, and `GET /v1/claims/{id}` shows submitted -> accepted -> acknowledged
 * -> paid with the amounts. A second claim gets its 835 before its 277CA and still ends paid; a
 * claim the payer reports that nobody submitted here is kept as unmatched.
 *
 * The payer files are the public samples in shared/x12/test/fixtures/corpus (imsweb 277CA,
 * LinuxForHealth 835) with their claim numbers, provider and amounts set to the 837's.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '@ediflow/activemq';
import { EmbeddedObjectStore } from '@ediflow/store';
import { waitFor } from '@ediflow/testkit';
import { ROOT, Restartable } from './crash-kit';

jest.setTimeout(180_000);

const CORPUS = path.join(ROOT, 'shared/x12/test/fixtures/corpus');
const PROVIDER_NPI = '1912301953';

/** The provider's 837P (one claim, CLM01 26463774 for $100) with its claim number and control numbers set. */
function claimFile(claimNumber: string, isa13: string): string {
  return readFileSync(path.join(ROOT, 'tools/local/test/fixtures/lfh__demo.837'), 'latin1')
    .replace('CLM*26463774*', `CLM*${claimNumber}*`)
    .replaceAll('*000000907', `*${isa13}`);
}

/** The payer's 277CA acknowledging `claimNumber` (STC A2:20) for the provider. */
function ackFile(claimNumber: string, isa13: string): string {
  return readFileSync(path.join(CORPUS, '277CA/imsweb__x12_277CA_rejected.txt'), 'latin1')
    .replace('*ZZ*EMEDNYBAT      *', '*ZZ*PAYERONE       *')
    .replaceAll('*000001120*0*T*', `*${isa13}*0*T*`)
    .replace('IEA*1*000001120', `IEA*1*${isa13}`)
    .replace('TRN*2*3920394930203', `TRN*2*${claimNumber}`)
    .replace('XX*123456789', `XX*${PROVIDER_NPI}`)
    .replace('TRN*1*1107000000000001FF~', 'TRN*1*1107000000000001FF~STC*A1|20**WQ*100~')
    .replace('STC*A1|20*20110311*WQ*199.14', 'STC*A1|20*20110311*WQ*100')
    .replace('AMT*YU*199.14', 'AMT*YU*100')
    .replace('STC*A7|562|85*20110311*WQ*199.14', 'STC*A2|20*20110311*WQ*100')
    .replace('SE*24*', 'SE*25*');
}

/** The payer's 835 (GS02 its own code, not the provider's) paying `claimNumber` in full ($100) and a claim of 8765432112 nobody submitted here. */
function paymentFile(claimNumber: string, isa13: string): string {
  return readFileSync(path.join(CORPUS, '835/lfh__managed-care.835'), 'latin1')
    .replace('*30*000000005      *', '*ZZ*PAYERONE       *')
    .replaceAll('*000000907', `*${isa13}`)
    .replace('GS*HP*000000005*', 'GS*HP*PAYERONE*')
    .replace('BPR*I*945.00*', 'BPR*I*595.00*')
    .replace('*20002316~', '*20020316~')
    .replace('N4*RAPID CITY*SD*55111~', 'N4*RAPID CITY*SD*55111~\nPER*BL*CUSTOMER SERVICE*TE*8005551212~')
    .replace('XX*5544667733', `XX*${PROVIDER_NPI}`)
    .replace('CLP*5554555444*1*800.00*450.00*300.00*12*94060555410000~\nCAS*CO*A2*50.00~', `CLP*${claimNumber}*1*100.00*100.00**12*94060555410000~`)
    .replace('SVC*HC:99211*800.00*500.00~\nDTM*150*20020301~\nDTM*151*20020304~\nCAS*PR*1*300.00~', 'SVC*HC:99213*100.00*100.00~\nDTM*150*20020301~\nDTM*151*20020304~')
    .replace('SE*26*', 'SE*25*');
}

interface Claim {
  claimId: string;
  claimNumber: string;
  status: string;
  billedAmount: string | null;
  paidAmount: string | null;
  traceNumber: string | null;
  timeline: { source: string; status: string; codes: string[]; paidAmount: string | null }[];
}

describe('claim lifecycle through npm start', () => {
  let home: string;
  let app: Restartable;
  let api: string;
  let token: string;
  let store: EmbeddedObjectStore;

  const get = async <T>(p: string): Promise<{ status: number; body: T }> => {
    const res = await fetch(`${api}${p}`, { headers: { authorization: `Bearer ${token}` } });
    return { status: res.status, body: (await res.json()) as T };
  };
  const claimByNumber = async (claimNumber: string): Promise<Claim | undefined> => {
    const list = await get<{ items: { claimId: string }[] }>(`/v1/claims?claimNumber=${claimNumber}`);
    const id = list.body.items[0]?.claimId;
    return id === undefined ? undefined : (await get<Claim>(`/v1/claims/${id}`)).body;
  };
  const statusOf = async (claimNumber: string) => (await claimByNumber(claimNumber))?.status;
  const send = (partner: string, name: string, x12: string) => store.put(`inbound/${partner}/${name}`, Buffer.from(x12, 'latin1'));

  beforeAll(async () => {
    home = await mkdtemp(path.join(os.tmpdir(), 'ediflow-lifecycle-'));
    const plaintextPartner = { requireSignature: false, allowPlaintext: true, split: 'transaction', acknowledgments: ['TA1', '999'] };
    await writeFile(
      path.join(home, 'partners.json'),
      JSON.stringify({
        version: 1,
        partners: [
          { id: 'clinic', name: 'Clinic (provider)', isaSenders: [{ qualifier: '30', id: '000000005' }], ...plaintextPartner },
          { id: 'payer-one', name: 'Payer One', isaSenders: [{ qualifier: 'ZZ', id: 'PAYERONE' }], ...plaintextPartner },
        ],
      }),
    );
    const port = await freePort();
    const { STORE_ROOT: _store, BUS_DIR: _bus, BROKER_URL: _broker, ...inherited } = process.env;
    app = new Restartable('npm start', path.join(ROOT, 'tools/local/dist/start.js'), {
      ...inherited,
      EDIFLOW_HOME: home,
      HTTP_PORT: String(port),
      DEMO_SINK_PORT: '0',
      SFTP_PORT: '0',
      CONSOLE_PORT: '0',
      INGEST_POLL_INTERVAL_MS: '200',
    });
    app.start();
    await app.waitForOutput('ediflow is running', 60_000);
    api = `http://127.0.0.1:${port}`;
    token = (await readFile(path.join(home, 'keys', 'tracking-api.token'), 'utf8')).trim();
    store = new EmbeddedObjectStore({ root: path.join(home, 'store') });
  });

  afterAll(async () => {
    await app?.signal('SIGKILL');
    await rm(home, { recursive: true, force: true });
  });

  it('when the 837P, its 999, the 277CA and the 835 come through, then the claim runs submitted -> accepted -> acknowledged -> paid', async () => {
    await send('clinic', 'claims-a.837', claimFile('26463774', '000000101'));
    await send('clinic', 'claims-b.837', claimFile('26463775', '000000102'));
    await waitFor('both claims accepted in the 999', async () => (await statusOf('26463774')) === 'accepted' && (await statusOf('26463775')) === 'accepted', { timeoutMs: 60_000, intervalMs: 200, detail: () => app.output.slice(-4000) });

    // Claim A in order: 277CA, then 835. Claim B out of order: 835, then 277CA.
    await send('payer-one', 'ack-a.277', ackFile('26463774', '000000201'));
    await waitFor('claim A acknowledged', async () => (await statusOf('26463774')) === 'acknowledged', { timeoutMs: 60_000, intervalMs: 200, detail: () => app.output.slice(-4000) });
    await send('payer-one', 'pay-a.835', paymentFile('26463774', '000000202'));
    await send('payer-one', 'pay-b.835', paymentFile('26463775', '000000203'));
    await waitFor('claims A and B paid', async () => (await statusOf('26463774')) === 'paid' && (await statusOf('26463775')) === 'paid', { timeoutMs: 60_000, intervalMs: 200, detail: () => app.output.slice(-4000) });
    await send('payer-one', 'ack-b.277', ackFile('26463775', '000000204'));
    await waitFor('the late 277CA of claim B recorded', async () => ((await claimByNumber('26463775'))?.timeline.length ?? 0) === 4, { timeoutMs: 60_000, intervalMs: 200, detail: () => app.output.slice(-4000) });

    const a = await claimByNumber('26463774');
    expect(a).toMatchObject({ status: 'paid', billedAmount: '100.00', paidAmount: '100.00', traceNumber: '7170066655' });
    expect(a?.timeline.map((e) => [e.source, e.status])).toEqual([
      ['837', 'submitted'],
      ['999', 'accepted'],
      ['277CA', 'acknowledged'],
      ['835', 'paid'],
    ]);
    expect(a?.timeline.find((e) => e.source === '277CA')?.codes).toEqual(['A2:20']);
    expect(a?.timeline.find((e) => e.source === '835')?.paidAmount).toBe('100.00');

    // The 277CA that came after the 835 is in the timeline, and does not move the claim back.
    const b = await claimByNumber('26463775');
    expect(b?.status).toBe('paid');
    expect(b?.timeline.map((e) => e.status)).toEqual(['submitted', 'accepted', 'acknowledged', 'paid']);

    // Each 835 also paid 8765432112, which no provider here submitted: kept and shown as unmatched.
    const unmatched = await get<{ items: { claimNumber: string; source: string; status: string; partnerId: string }[] }>('/v1/unmatched?claimNumber=8765432112');
    expect(unmatched.body.items).toHaveLength(2);
    expect(unmatched.body.items[0]).toMatchObject({ claimNumber: '8765432112', source: '835', status: 'partially_paid', partnerId: 'payer-one' });

    // The files: the provider's two, translated, each with its 999; the payer's four.
    const files = await get<{ items: { partnerId: string; state: string }[] }>('/v1/files?limit=20');
    expect(files.body.items.filter((f) => f.partnerId === 'clinic').map((f) => f.state)).toEqual(['translated', 'translated']);
    expect(files.body.items.filter((f) => f.partnerId === 'payer-one').map((f) => f.state)).toEqual(['translated', 'translated', 'translated', 'translated']);
    const unauthorized = await fetch(`${api}/v1/claims/${a?.claimId}`);
    expect(unauthorized.status).toBe(401);
  });
});
