import { seededRandom as rng } from '@ediflow/testkit';
import { generateInterchange, pad, writeGenerated } from './generate-file';

/**
 * Writes a valid 005010X279A1 271 (eligibility response) interchange of about `targetBytes`: one
 * ISA/GS, transaction sets of `subscribersPerTransaction` subscribers under one information source
 * (2000A, payer) and one receiver (2000B, provider). Each subscriber (2000C: TRN, name, REF, address,
 * DMG, DTP) has several benefits (2110C EB): active coverage with EB03 repetitions
 * (30^1^33^35^...), deductible, out-of-pocket, copays with MSG, coinsurance, a procedure copay with
 * the EB13 composite (HC:99213), and often a primary care provider (LS/2120C/LE); one in four
 * has a dependent (2000D) with two benefits. All names and ids are synthetic (TESTPATIENT..., ids
 * from a counter): no real data. Deterministic for a given seed.
 */
export interface Generate271Options {
  targetBytes: number;
  /** Subscribers per ST/SE (default 1,000). */
  subscribersPerTransaction?: number;
  seed?: number;
  newlines?: boolean;
}

const PLANS = ['GOLD', 'SILVER', 'BRONZE'] as const;

export function generate271(options: Generate271Options): AsyncGenerator<string> {
  const random = rng(options.seed ?? 271);
  const money = (from: number, to: number): string => (Math.round(from + random() * (to - from)) * 5).toFixed(2);
  let subscriber = 0;
  let hl = 2;
  return generateInterchange(options, {
    functionalId: 'HB',
    setId: '271',
    guide: '005010X279A1',
    perSet: options.subscribersPerTransaction ?? 1000,
    head: (stControl) => {
      hl = 2;
      return [
        `BHT*0022*11*BENCH${stControl}*20240101*1200`,
        'HL*1**20*1',
        'NM1*PR*2*BENCH HEALTH PLAN*****PI*PAYER01',
        'HL*2*1*21*1',
        'NM1*1P*2*BENCH CLINIC*****XX*1234567893',
      ];
    },
    unit: () => {
      subscriber += 1;
      hl += 1;
      const subscriberHl = hl;
      const dependent = random() < 0.25;
      const plan = pick(PLANS, random());
      const segs = [
        `HL*${subscriberHl}*2*22*${dependent ? 1 : 0}`,
        `TRN*2*TRACE${pad(subscriber, 9)}*9877281234`,
        `NM1*IL*1*TESTPATIENT*P${pad(subscriber, 7)}****MI*M${pad(subscriber, 9)}`,
        `REF*6P*GRP${pad(1 + (subscriber % 50), 4)}*BENCH GROUP`,
        `N3*${1 + (subscriber % 9000)} SYNTHETIC WAY`,
        `N4*TESTTOWN*NY*${pad(10001 + (subscriber % 900), 5)}`,
        `DMG*D8*19${pad(40 + Math.floor(random() * 60), 2)}0101*${random() < 0.5 ? 'F' : 'M'}`,
        'DTP*346*D8*20240101',
        `EB*1*${dependent ? 'FAM' : 'IND'}*30^1^33^35^47^86^88^98^AL^MH^UC*HM*BENCH ${plan} PLAN`,
        'DTP*291*D8*20240101',
        `EB*C*IND*30***23*${money(100, 600)}*****Y`,
        `EB*G*IND*30***23*${money(400, 1600)}*****Y`,
        `EB*B*IND*98^UC*HM**27*${money(2, 10)}*****Y`,
        'MSG*COPAY APPLIES PER OFFICE VISIT',
        'EB*A*IND*30^86*HM***.2****N*Y',
        `EB*B*IND*1***27*${money(1, 8)}****N*Y*HC:99213`,
        `REF*18*PLAN${pad(1 + (subscriber % 20), 4)}`,
      ];
      if (random() < 0.5) {
        segs.push('EB*L', 'LS*2120', `NM1*P3*1*TESTPCP*D${pad(subscriber % 500, 4)}****XX*1234567893`, 'LE*2120');
      }
      if (dependent) {
        hl += 1;
        segs.push(
          `HL*${hl}*${subscriberHl}*23*0`,
          `TRN*2*TRACE${pad(subscriber, 9)}D*9877281234`,
          `NM1*03*1*TESTPATIENT*D${pad(subscriber, 7)}`,
          `DMG*D8*20${pad(5 + Math.floor(random() * 18), 2)}0601*${random() < 0.5 ? 'F' : 'M'}`,
          'INS*N*19',
          `EB*1*DEP*30^1^33^35^47^86^88^98^AL^MH^UC*HM*BENCH ${plan} PLAN`,
          `EB*B*DEP*98^UC*HM**27*${money(2, 10)}*****Y`,
          'MSG*COPAY APPLIES PER OFFICE VISIT',
        );
      }
      return { segments: segs, count: 1 };
    },
  });
}

function pick<T>(list: readonly T[], r: number): T {
  return list[Math.floor(r * list.length)];
}

/** Writes a generated 271 to disk and returns its size. */
export function write271(path: string, options: Generate271Options): Promise<number> {
  return writeGenerated(path, generate271(options));
}
