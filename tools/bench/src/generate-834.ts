import { seededRandom as rng } from '@ediflow/testkit';
import { generateInterchange, pad, writeGenerated } from './generate-file';

/**
 * Writes a valid 005010X220A1 834 (benefit enrollment) interchange of about `targetBytes`: one
 * ISA/GS, transaction sets of about `membersPerTransaction` members each (a family is never split
 * across sets; Infinity: the whole file is one set, as many payers send it). Each subscriber (loop 2000 INS*Y, 2100A name, contact,
 * address and demographics, 2300 health and often dental coverage) is followed by 0-3 dependents
 * (INS*N) of the same family. All names and ids are synthetic (TESTMEMBER..., ids from a counter):
 * no real data. Deterministic for a given seed; text is yielded per member, so one huge set is
 * never held in memory.
 */
export interface Generate834Options {
  targetBytes: number;
  /** Members (INS loops) per ST/SE (default 2,000); Infinity puts every member in one set. */
  membersPerTransaction?: number;
  seed?: number;
  newlines?: boolean;
}

const RELATIONSHIPS = ['01', '19', '19'] as const;
const PLANS = ['HLT', 'HMO', 'PPO', 'EPO'] as const;
const LEVELS = ['EMP', 'ESP', 'ECH', 'FAM'] as const;

export function generate834(options: Generate834Options): AsyncGenerator<string> {
  const random = rng(options.seed ?? 834);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)];
  const date = (fromYear: number, years: number): string =>
    `${fromYear + Math.floor(random() * years)}${pad(1 + Math.floor(random() * 12), 2)}${pad(1 + Math.floor(random() * 28), 2)}`;
  let member = 0;
  return generateInterchange(options, {
    functionalId: 'BE',
    setId: '834',
    guide: '005010X220A1',
    perSet: options.membersPerTransaction ?? 2000,
    head: (stControl) => [
      `BGN*00*BENCH${stControl}*20240101*1200****4`,
      'REF*38*POLICY0001',
      'DTP*007*D8*20240101',
      'N1*P5*BENCH EMPLOYER INC*FI*123456789',
      'N1*IN*BENCH HEALTH PLAN*FI*987654321',
    ],
    unit: () => {
      member += 1;
      const subscriberId = `S${pad(member, 9)}`;
      const group = `GRP${pad(1 + (member % 50), 4)}`;
      const plan = pick(PLANS);
      const dependents = Math.floor(random() * 4);
      const level = dependents === 0 ? 'EMP' : pick(LEVELS);
      const dental = random() < 0.6;
      const coverageStart = `2024${pad(1 + Math.floor(random() * 12), 2)}01`;
      const family = [
        'INS*Y*18*021*XN*A***FT',
        `REF*0F*${subscriberId}`,
        `REF*1L*${group}`,
        `DTP*356*D8*${coverageStart}`,
        `NM1*IL*1*TESTMEMBER*F${pad(member, 7)}*A***ZZ*M${pad(member, 9)}`,
        `PER*IP**HP*555555${pad(member % 10000, 4)}`,
        `N3*${1 + (member % 9000)} SYNTHETIC WAY`,
        `N4*TESTTOWN*NY*${pad(10001 + (member % 900), 5)}`,
        `DMG*D8*${date(1950, 50)}*${random() < 0.5 ? 'F' : 'M'}`,
        `HD*021**${plan}*BENCH ${plan} PLAN*${level}`,
        `DTP*348*D8*${coverageStart}`,
        `REF*1L*${group}`,
      ];
      if (dental) family.push(`HD*021**DEN*BENCH DENTAL*${level}`, `DTP*348*D8*${coverageStart}`);
      for (let d = 0; d < dependents; d++) {
        member += 1;
        const relationship = d === 0 ? pick(RELATIONSHIPS) : '19';
        family.push(
          `INS*N*${relationship}*021*XN*A`,
          `REF*0F*${subscriberId}`,
          `DTP*356*D8*${coverageStart}`,
          `NM1*IL*1*TESTMEMBER*F${pad(member, 7)}****ZZ*M${pad(member, 9)}`,
          `DMG*D8*${relationship === '19' ? date(2005, 19) : date(1950, 50)}*${random() < 0.5 ? 'F' : 'M'}`,
          `HD*021**${plan}**${level}`,
          `DTP*348*D8*${coverageStart}`,
        );
      }
      return { segments: family, count: 1 + dependents };
    },
  });
}

/** Writes a generated 834 to disk and returns its size. */
export function write834(path: string, options: Generate834Options): Promise<number> {
  return writeGenerated(path, generate834(options));
}
