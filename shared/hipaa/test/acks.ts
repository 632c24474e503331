// Test helper: a transaction set's 999 lines (AK2 through IK5), made both ways the platform makes
// them (edi validate / edi ack: guideValidator in a ReportBuilder; the translator service and edi
// translate: documentsFor's verdict) and required to be the same.
import { ReportBuilder, generateAcks, readX12, sequentialControlNumbers, type ValidationReport } from '@ediflow/x12';
import { documentsFor, guideValidator } from '@ediflow/hipaa';

export const CLOCK = (): Date => new Date('2026-01-02T03:04:00Z');

/** The single-set file with `from` replaced by `to` once, SE01 recounted. */
export function mutated(text: string, from: string, to: string): string {
  if (!text.includes(from)) throw new Error(`no ${from} in the file`);
  const out = text.replace(from, to);
  const st = out.indexOf('ST*');
  const se = out.indexOf('SE*');
  const count = out.slice(st, se).split('~').length;
  return out.replace(/SE\*\d+\*/, `SE*${count}*`);
}

export async function reportBy(text: string, way: 'validator' | 'documents'): Promise<ValidationReport> {
  const builder = new ReportBuilder(way === 'validator' ? { validators: [guideValidator()] } : {});
  let position = 0;
  for await (const e of readX12([Buffer.from(text, 'latin1')])) {
    if (e.type === 'interchangeStart') position = 0;
    if (e.type !== 'transaction' || way === 'validator') {
      builder.add(e);
      continue;
    }
    position += 1;
    builder.add(e, documentsFor(e.transaction, { interchange: e.interchange, group: e.group, transactionIndex: position }).verdict);
  }
  return builder.report();
}

/** The 999's segments from AK2 through IK5 (of the first set), the same both ways. */
export async function setAck(text: string): Promise<string[]> {
  const out: string[][] = [];
  for (const way of ['validator', 'documents'] as const) {
    const ack = generateAcks(await reportBy(text, way), { controlNumbers: sequentialControlNumbers(1), clock: CLOCK, lineBreak: '' }).ack999 ?? '';
    const segs = ack.split('~');
    out.push(segs.slice(segs.findIndex((s) => s.startsWith('AK2*')), segs.findIndex((s) => s.startsWith('IK5*')) + 1));
  }
  expect(out[1]).toEqual(out[0]);
  return out[0];
}
