import { seededRandom as rng } from '@ediflow/testkit';
import { envelopeHeader, envelopeTrailer, pad, terminator, writeGenerated } from './generate-file';

/**
 * Writes a valid 005010X222A1 837P interchange of about `targetBytes`: one ISA/GS,
 * transaction sets of `claimsPerTransaction` claims each, every claim with 1-4 service
 * lines whose charges add up to CLM02. All names and ids are synthetic (TESTPATIENT...,
 * member ids from a counter): no real patient data. Deterministic for a given seed.
 */
export interface Generate837Options {
  targetBytes: number;
  claimsPerTransaction?: number;
  seed?: number;
  /** Segment terminator followed by a newline (default) or not. */
  newlines?: boolean;
}

export async function* generate837P(options: Generate837Options): AsyncGenerator<string> {
  const random = rng(options.seed ?? 42);
  const perTx = options.claimsPerTransaction ?? 500;
  const t = terminator(options.newlines);
  yield envelopeHeader('HC', '005010X222A1', t);
  let written = 200;
  let st = 0;
  let claim = 0;
  while (written < options.targetBytes) {
    st += 1;
    const stControl = pad(st, 4);
    const segs: string[] = [];
    segs.push(`ST*837*${stControl}*005010X222A1`);
    segs.push(`BHT*0019*00*BATCH${stControl}*20240101*1200*CH`);
    segs.push('NM1*41*2*BENCH SUBMITTER*****46*SUB0001');
    segs.push('PER*IC*BENCH CONTACT*TE*5555550100');
    segs.push('NM1*40*2*BENCH RECEIVER*****46*REC0001');
    segs.push('HL*1**20*1');
    segs.push('NM1*85*2*BENCH BILLING CLINIC*****XX*1234567893');
    segs.push('N3*100 TEST STREET');
    segs.push('N4*TESTTOWN*NY*100010001');
    segs.push('REF*EI*123456789');
    let hl = 1;
    for (let c = 0; c < perTx && written < options.targetBytes; c++) {
      claim += 1;
      hl += 1;
      segs.push(`HL*${hl}*1*22*0`);
      segs.push('SBR*P*18*GRP0001******CI');
      segs.push(`NM1*IL*1*TESTPATIENT*P${pad(claim, 7)}****MI*M${pad(claim, 9)}`);
      segs.push('N3*1 SYNTHETIC WAY');
      segs.push('N4*TESTTOWN*NY*10001');
      segs.push(`DMG*D8*19${pad(50 + Math.floor(random() * 49), 2)}0101*${random() < 0.5 ? 'F' : 'M'}`);
      segs.push('NM1*PR*2*BENCH HEALTH PLAN*****PI*PAYER01');
      const lines = 1 + Math.floor(random() * 4);
      const charges: number[] = [];
      for (let l = 0; l < lines; l++) charges.push(Math.round((20 + random() * 480) * 100));
      const total = charges.reduce((a, b) => a + b, 0);
      segs.push(`CLM*C${pad(claim, 9)}*${(total / 100).toFixed(2)}***11:B:1*Y*A*Y*Y`);
      segs.push('HI*ABK:J069*ABF:R509');
      charges.forEach((cents, i) => {
        segs.push(`LX*${i + 1}`);
        segs.push(`SV1*HC:99213*${(cents / 100).toFixed(2)}*UN*1***1`);
        segs.push('DTP*472*D8*20240101');
      });
    }
    segs.push(`SE*${segs.length + 1}*${stControl}`);
    const text = segs.join(t) + t;
    written += text.length;
    yield text;
  }
  yield envelopeTrailer(st, t);
}

/** Writes a generated file to disk and returns its size. */
export function write837P(path: string, options: Generate837Options): Promise<number> {
  return writeGenerated(path, generate837P(options));
}
