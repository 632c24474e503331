/**
 * The translator service and `edi translate` get their documents from one hipaa function, and give
 * the same documents for the same file: the service's published bodies are the CLI's lines.
 */
import { noTracking } from '@ediflow/tracking';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { readFileSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as hipaa from '@ediflow/hipaa';
import { runCli } from '@ediflow/cli';
import { MemoryBus } from '@ediflow/bus';
import { EmbeddedObjectStore } from '@ediflow/store';
import { createLogger, memoryDestination } from '@ediflow/logger';
import { createLogAlerts } from '@ediflow/alerts';
import { parseRegistry, staticRegistry } from '@ediflow/partners';
import { DESTINATIONS, decodeEnvelope, type Envelope, type FileReceivedBody } from '@ediflow/messages';
import { createTranslator } from '../../src/domain/translate-file';
import type { TranslatorMetrics } from '../../src/domain/metrics';
import { capture } from '../../../../tools/cli/test/helpers';

const ROOT = path.join(__dirname, '..', '..', '..', '..');
const noMetrics: TranslatorMetrics = { transaction: () => undefined, file: () => undefined, reusedInterchange: () => undefined };

/** The bodies the service publishes for the file, for a partner who splits as given (and takes guide errors as warnings: every set is published). */
async function published(x12: string, split: 'transaction' | 'claim', threads?: hipaa.TranslationThreads): Promise<unknown[]> {
  const store = new EmbeddedObjectStore({ root: await mkdtemp(path.join(os.tmpdir(), 'same-documents-')) });
  const bus = new MemoryBus();
  await bus.connect();
  const bodies: unknown[] = [];
  await bus.subscribe(DESTINATIONS.transactionTranslated, async (m) => {
    bodies.push(decodeEnvelope(m.body).body);
  });
  const logger = createLogger({ service: 't', destination: memoryDestination() });
  const translator = createTranslator({
    store, bus, logger, metrics: noMetrics, tracking: noTracking, alerts: createLogAlerts(logger), clock: () => new Date('2024-01-02T03:04:05Z'),
    partners: staticRegistry(parseRegistry({
      version: 1,
      partners: [{ id: 'acme', name: 'Acme', isaSenders: [{ qualifier: 'ZZ', id: 'ACME' }], requireSignature: false, allowPlaintext: true, acknowledgments: ['999'], acceptWithErrors: ['SE_COUNT_MISMATCH', 'GUIDE_*'], split }],
    })),
    encryptOutbound: async (_partner, plain) => ({ bytes: plain, suffix: '' }),
    ...(threads === undefined ? {} : { threads }),
  });
  await store.put('work/f1/source.x12', x12);
  const message: Envelope<FileReceivedBody> = {
    type: 'FileReceived', version: 1, id: 'f1', fileId: 'f1', partnerId: 'acme', occurredAt: '2024-01-02T03:04:05.000Z',
    body: { sourceKey: 'work/f1/source.x12', size: x12.length, channel: 'test' },
  };
  await translator.translate(message);
  await bus.drain(2000);
  return bodies;
}

/** The documents `edi translate` prints for the file (as the service's file f1). */
async function printed(x12: string, split: 'transaction' | 'claim'): Promise<unknown[]> {
  const file = path.join(await mkdtemp(path.join(os.tmpdir(), 'same-documents-')), 'in.x12');
  await writeFile(file, x12, 'latin1');
  const c = capture();
  await runCli(['translate', '--no-validate', '--split', split, '--file-id', 'f1', file], c.io);
  return c.out().trim().split('\n').map((l) => JSON.parse(l) as unknown);
}

/** The value imports from @ediflow/hipaa in a package's sources. */
function hipaaImports(dir: string): Set<string> {
  const names = new Set<string>();
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (p.endsWith('.ts')) {
        for (const m of readFileSync(p, 'utf8').matchAll(/import\s*\{([^}]*)\}\s*from\s*'@ediflow\/hipaa'/g)) {
          for (const part of m[1].split(',').map((x) => x.trim()).filter((x) => x !== '' && !x.startsWith('type '))) names.add(part);
        }
      }
    }
  };
  walk(dir);
  return names;
}

describe('the service and the CLI', () => {
  const files: [string, string][] = [
    ['837P', readFileSync(path.join(__dirname, '..', 'fixtures', 'lfh__demo.837'), 'latin1').replace(/\*30\*000000005      \*/, '*ZZ*ACME           *')],
    ['837I', readFileSync(path.join(__dirname, '..', 'fixtures', 'lfh__two-claims-single-provider.837i'), 'latin1').replace(/\*30\*000000005      \*/, '*ZZ*ACME           *')],
    ['850 (no guide)', [
      'ISA*00*          *00*          *ZZ*ACME           *ZZ*PAYER          *240101*1200*^*00501*000000042*0*T*:',
      'GS*PO*SENDER*RECEIVER*20240101*1200*1*X*005010', 'ST*850*0001', 'BEG*00*SA*PO1**20240101', 'REF*IA*VENDOR1', 'SE*4*0001', 'GE*1*1', 'IEA*1*000000042',
    ].join('~\n') + '~\n'],
  ];

  it.each(files.flatMap(([name, x12]) => (['transaction', 'claim'] as const).map((split): [string, 'transaction' | 'claim', string] => [name, split, x12])))(
    'when the %s file is translated split per %s, then the service publishes the documents the CLI prints',
    async (_name, split, x12) => {
      const bodies = await published(x12, split);
      expect(bodies.length).toBeGreaterThan(0);
      expect(bodies).toEqual(await printed(x12, split));
    },
  );

  it('when the service translates on threads, then it publishes the same documents in the same order as on its own thread', async () => {
    const threads = new hipaa.TranslationThreads(2, 0);
    try {
      // one interchange of 30 sets: the 837P's set again and again, each with its own control number
      const [head, rest] = files[0][1].split(/(?=ST\*837\*)/);
      const set = rest.slice(0, rest.indexOf('GE*'));
      const sets = Array.from({ length: 30 }, (_, i) => set.replace(/ST\*837\*\d+/, `ST*837*${String(i + 1).padStart(4, '0')}`).replace(/SE\*(\d+)\*\d+/, (_m, n: string) => `SE*${n}*${String(i + 1).padStart(4, '0')}`));
      const x12 = head + sets.join('') + rest.slice(rest.indexOf('GE*')).replace(/GE\*\d+/, 'GE*30');
      for (const split of ['transaction', 'claim'] as const) {
        const here = await published(x12, split);
        expect(here).toHaveLength(split === 'transaction' ? 30 : 30 * (await published(files[0][1], split)).length);
        expect(await published(x12, split, threads)).toEqual(here);
      }
    } finally {
      await threads.close();
    }
  });

  it('when their sources are read, then each imports documentsForEach, and hipaa has no other function that makes documents than it and the documentsFor it runs', () => {
    const service = hipaaImports(path.join(ROOT, 'services', 'translator', 'src'));
    const cli = hipaaImports(path.join(ROOT, 'tools', 'cli', 'src'));
    expect(service.has('documentsForEach')).toBe(true);
    expect(cli.has('documentsForEach')).toBe(true);
    // what else they take: the 277CA, the guide issue codes (lenient warnOnly), JSON -> X12 for `edi generate`,
    // and the same walk's checks without documents for `edi validate` and `edi ack`
    // (and the translation threads: their default size, and the service's own)
    expect([...service].sort()).toEqual(['DEFAULT_THREADS', 'GUIDE_ISSUE_CODES', 'TranslationThreads', 'documentsForEach', 'generate277CA']);
    expect([...cli].sort()).toEqual(['DEFAULT_THREADS', 'documentProblems', 'documentsForEach', 'guideValidator', 'toX12']);
    const functions = Object.entries(hipaa).filter(([, v]) => typeof v === 'function').map(([k]) => k).sort();
    expect(functions).toEqual([
      'TranslationThreads', 'claimDecisions', 'compileGuide', 'compiledGuide', 'documentProblems', 'documentsFor', 'documentsForEach', 'formatDecimal', 'generate277CA', 'guideDefinition', 'guideIndexEntry',
      'guideValidator', 'isLoop', 'lookupGuide', 'parseDecimal', 'resolveGuide', 'schemaFor', 'statusFor', 'toX12', 'treeSegments',
    ]);
  });
});
