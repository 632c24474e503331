// Test helper: seeded mutations of the transaction sets of the supported guides, each one a file
// of its own (an interchange around the mutated set). The same seed gives the same files, so the
// golden outputs (test/golden) and the property tests read the same inputs.
import { seededRandom } from '@ediflow/testkit';
import { CLAIM_SETS, EXCHANGE_SETS, allGuideFiles, guideFiles, legacyFixtures, ownFixtures, readCorpus, readOwn, rebuiltBytes, transactions, type Tx } from './corpus';

export interface Mutant {
  /** Family and round, e.g. 'writer/17'. */
  name: string;
  bytes: Buffer;
}

/**
 * Every 5010 set of every file of the claim guides (corpus, 837D fixtures, LinuxForHealth samples).
 * The 4010 guides have sources and mutants of their own (legacySources): a seeded round picks
 * from a list, so the 5010 mutants stay the files they were.
 */
export function allSources(): Tx[] {
  return allGuideFiles('5010').flatMap(([, read]) => transactions(read(), '5010'));
}

/** The 5010 sets the guide-layer fuzz test mutates (no LinuxForHealth samples). */
export function fuzzSources(): Tx[] {
  return [
    ...guideFiles('valid', CLAIM_SETS, '5010').flatMap((p) => transactions(readCorpus(p), '5010')),
    ...guideFiles('invalid', CLAIM_SETS, '5010').flatMap((p) => transactions(readCorpus(p), '5010')),
    ...ownFixtures().filter((p) => p.endsWith('.x12')).flatMap((p) => transactions(readOwn(p))),
  ];
}

/** Every set of the 4010 guides in the corpus (claims, eligibility, claim status; valid and invalid files) and in this package's 4010 fixtures. */
export function legacySources(): Tx[] {
  return [
    ...[CLAIM_SETS, EXCHANGE_SETS].flatMap((folders) => (['valid', 'invalid'] as const).flatMap((status) => guideFiles(status, folders, '4010')))
      .flatMap((p) => transactions(readCorpus(p), '4010')),
    ...legacyFixtures().flatMap((p) => transactions(readOwn(p), '4010')),
  ];
}

/** The 4010 mutants of the golden files: the fuzz and element-check families over the 4010 sets, named legacy-*. */
export function legacyMutants(sources: Tx[]): Mutant[] {
  const rename = (m: Mutant): Mutant => ({ ...m, name: `legacy-${m.name}` });
  return [...fuzzMutants(sources, 120).map(rename), ...validationMutants(sources, 120).map(rename)];
}

/**
 * Structure and text mutations for the JSON writer: segments repeated, dropped, swapped, moved,
 * unknown segments, elements past the definition, emptied elements, delimiters and JSON escapes
 * inside values.
 */
export function writerMutants(sources: Tx[], rounds = 300): Mutant[] {
  const random = seededRandom(20261123);
  const pick = <T>(list: T[]): T => list[Math.floor(random() * list.length)];
  const out: Mutant[] = [];
  for (let round = 0; round < rounds; round++) {
    const source = pick(sources);
    const d = source.tx.delimiters;
    const specials = ['"', '\\', '\u0001', '\t', '\u007f', d.component, d.repetition || d.component, `${d.component}${d.component}`, ''];
    out.push({ name: `writer/${round}`, bytes: rebuiltBytes(source, (segs) => {
      for (let k = 0; k < 1 + Math.floor(random() * 4) && segs.length > 1; k++) {
        const i = Math.floor(random() * segs.length);
        switch (Math.floor(random() * 8)) {
          case 0: segs.splice(i, 0, [...segs[i]]); break;
          case 1: segs.splice(i, 1); break;
          case 2: if (i + 1 < segs.length) [segs[i], segs[i + 1]] = [segs[i + 1], segs[i]]; break;
          case 3: segs.splice(Math.floor(random() * segs.length), 0, ...segs.splice(i, 1)); break;
          case 4: segs[i].push('EXTRA', '', 'MORE'); break;
          case 5: segs.splice(i, 0, ['ZZZ', '1', pick(specials)]); break;
          case 6: if (segs[i].length > 1) segs[i][1 + Math.floor(random() * (segs[i].length - 1))] = ''; break;
          default: {
            const j = 1 + Math.floor(random() * Math.max(1, segs[i].length - 1));
            const v = segs[i][j] ?? '';
            const at = Math.floor(random() * (v.length + 1));
            segs[i][j] = v.slice(0, at) + pick(specials) + v.slice(at);
          }
        }
      }
    }) });
  }
  return out;
}

/** Element values changed to break each kind of element check (types, lengths, dates, times, codes, components, repetitions). */
export function validationMutants(sources: Tx[], rounds = 400): Mutant[] {
  const random = seededRandom(20261124);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)];
  const out: Mutant[] = [];
  for (let round = 0; round < rounds; round++) {
    const source = pick(sources);
    const d = source.tx.delimiters;
    const values = [
      '', '-', '.', '-.', '1.', '.5', '-0.5', '1.2.3', '--1', '+1', '1e3', '12A', 'ABC', ' 1', '00', '0',
      '20240230', '20240229', '2023022', '240101', '2400', '2360', '1261', '123456789', '12345678901234567890',
      'X'.repeat(90), 'ZZ', '99', 'D8', 'RD8', `A${d.component}B`, `${d.component}${d.component}`, `A${d.component}B${d.component}C${d.component}D${d.component}E${d.component}F${d.component}G${d.component}H`,
      `${d.repetition || d.component}X`, `1${d.repetition || d.component}2`, `${d.component}`,
    ];
    out.push({ name: `validation/${round}`, bytes: rebuiltBytes(source, (segs) => {
      // a time (BHT05, TM): rare among the random picks below
      const bht = segs.find((s) => s[0] === 'BHT');
      if (bht !== undefined && random() < 0.3) bht[5] = pick(['2460', '1261', '12', '123', '1200599', 'NOON']);
      // components past a composite's last (CLM05, SV101, SVC01, HI01 ...): rare among the random picks too
      const composite = segs.filter((s) => s.slice(1).some((v) => v.includes(d.component)));
      if (composite.length > 0 && random() < 0.3) {
        const seg = pick(composite);
        const j = seg.findIndex((v, i) => i > 0 && v.includes(d.component));
        seg[j] += `${d.component}X`.repeat(1 + Math.floor(random() * 9));
      }
      for (let k = 0; k < 1 + Math.floor(random() * 5) && segs.length > 1; k++) {
        const i = Math.floor(random() * segs.length);
        const seg = segs[i];
        switch (Math.floor(random() * 6)) {
          case 0: seg.push('', 'EXTRA'); break;
          case 1: if (seg.length > 1) seg[1 + Math.floor(random() * (seg.length - 1))] = ''; break;
          case 2: seg.push(''); break;
          default: {
            const j = 1 + Math.floor(random() * Math.max(1, seg.length + 1));
            while (seg.length <= j) seg.push('');
            seg[j] = pick(values);
          }
        }
      }
    }) });
  }
  return out;
}

/** Qualifiers and values changed where the walker reads them (segment placement). */
export function placementMutants(sources: Tx[], rounds = 150): Mutant[] {
  const random = seededRandom(11);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)];
  const out: Mutant[] = [];
  for (let round = 0; round < rounds; round++) {
    const source = pick(sources);
    const d = source.tx.delimiters;
    const values = ['', 'A', 'AB', 'ABC', 'ABCD', `A${d.component}B`, `${d.component}`, `X${d.repetition || d.component}Y`, `${d.repetition || d.component}`, 'LONGER VALUE 123'];
    out.push({ name: `placement/${round}`, bytes: rebuiltBytes(source, (segs) => {
      for (let k = 0; k < 1 + Math.floor(random() * 5) && segs.length > 1; k++) {
        const seg = segs[Math.floor(random() * segs.length)];
        const j = 1 + Math.floor(random() * (seg.length + 2));
        while (seg.length <= j) seg.push('');
        seg[j] = pick(values);
      }
    }) });
  }
  return out;
}

/** The guide-layer fuzz: segments repeated, dropped, swapped, moved, guide segments inserted, elements emptied, cut or replaced. */
export function fuzzMutants(sources: Tx[], rounds = 400): Mutant[] {
  const random = seededRandom(0x27c4f022);
  const int = (n: number): number => Math.floor(random() * n);
  const pick = <T>(list: readonly T[]): T => list[int(list.length)];
  const odd = ['"', '\\', '\u0001', '', '0', '-1', '99999999999999999999.99', '1.', 'ABC', ':', '::', 'X'.repeat(90), '20240231', '2400', '.', '-', '1E5', 'PR', 'XX'];
  const out: Mutant[] = [];
  for (let round = 0; round < rounds; round++) {
    const source = pick(sources);
    out.push({ name: `fuzz/${round}`, bytes: rebuiltBytes(source, (segs) => {
      for (let k = 0; k < 1 + int(5) && segs.length > 1; k++) {
        const i = int(segs.length);
        switch (int(9)) {
          case 0: segs.splice(i, 0, [...segs[i]]); break;
          case 1: segs.splice(i, 1); break;
          case 2: if (i + 1 < segs.length) [segs[i], segs[i + 1]] = [segs[i + 1], segs[i]]; break;
          case 3: segs.splice(int(segs.length), 0, ...segs.splice(i, 1)); break;
          case 4: segs[i].push('EXTRA', '', 'MORE'); break;
          case 5: segs.splice(i, 0, [pick(['ZZZ', 'HL', 'CLM', 'LX', 'SV1', 'CLP', 'SVC', 'CAS', 'NM1', 'STC', 'TRN', 'PLB', 'BPR']), pick(odd), pick(odd)]); break;
          case 6: if (segs[i].length > 1) segs[i][1 + int(segs[i].length - 1)] = ''; break;
          case 7: segs[i].length = 1 + int(segs[i].length); break;
          default: segs[i][1 + int(Math.max(1, segs[i].length - 1))] = pick(odd);
        }
      }
    }) });
  }
  return out;
}

/** Repetitions in a repeating element (DMG05), with delimiters and JSON escapes around them. */
export function repetitionMutants(sources: Tx[]): Mutant[] {
  const sets = sources.filter((t) => t.tx.setId === '837' && t.tx.segments.some((g) => g.id === 'DMG')).slice(0, 6);
  const out: Mutant[] = [];
  sets.forEach((source, s) => {
    const r = source.tx.delimiters.repetition;
    [`RET${r}2106-3`, `A${r}${r}B${r}`, `${r}`, `X${source.tx.delimiters.component}Y${r}"Z`].forEach((value, v) => {
      out.push({ name: `repetition/${s}.${v}`, bytes: rebuiltBytes(source, (segs) => {
        for (const seg of segs) if (seg[0] === 'DMG') seg.splice(4, seg.length, seg[4] ?? 'U', value, 'AFTER');
      }) });
    });
  });
  return out;
}

/**
 * Files the other families do not reach: a value longer than the writer's 64 KiB buffer; bytes
 * outside ASCII that are not UTF-8 (read as latin1), UTF-8 names (2, 3 and 4 bytes a character)
 * where lengths and codes are checked; and a set whose guide is not supported.
 */
export function edgeMutants(): Mutant[] {
  const [two] = transactions(readOwn('837D/patient-two-claims.x12'));
  const [lines] = transactions(readOwn('837D/subscriber-two-lines.x12'));
  const out: Mutant[] = [];
  out.push({ name: 'edge/long-value', bytes: rebuiltBytes(two, (segs) => {
    const clm = segs.findIndex((s) => s[0] === 'CLM');
    segs.splice(clm + 1, 0, ['NTE', 'ADD', `${'X'.repeat(200_000)}"\\`]);
  }) });
  out.push({ name: 'edge/latin1-name', bytes: rebuiltBytes(two, (segs) => {
    const nm1 = segs.find((s) => s[0] === 'NM1' && s[1] === 'IL');
    if (nm1 === undefined) throw new Error('the fixture has a subscriber');
    nm1[3] = 'M\u00dcLLER'.repeat(20);
  }) });
  const utf8 = (t: Tx, name: string, change: (segs: string[][]) => void): void => {
    // rebuiltBytes writes latin1: UTF-8 text goes in as its bytes, one latin1 character each
    out.push({ name, bytes: rebuiltBytes(t, (segs) => {
      change(segs);
      for (const s of segs) for (let j = 0; j < s.length; j++) s[j] = Buffer.from(s[j], 'utf8').toString('latin1');
    }) });
  };
  utf8(two, 'edge/utf8-names', (segs) => {
    for (const s of segs) {
      if (s[0] === 'NM1' && s[1] === 'IL') s[3] = 'M\u00fcller-\u00c5str\u00f6m';
      if (s[0] === 'NM1' && s[1] === 'QC') s[4] = '\u674e\u5c0f\u9f99';
      if (s[0] === 'N3') s[1] = '\u{1f3e5} Clinic \u20ac';
    }
  });
  utf8(lines, 'edge/utf8-lengths', (segs) => {
    for (const s of segs) {
      // just over and just under the maximum length in characters, more in bytes
      if (s[0] === 'NM1' && s[1] === '85') s[3] = '\u00e9'.repeat(60);
      if (s[0] === 'NM1' && s[1] === 'IL') s[3] = '\u00e9'.repeat(61);
      if (s[0] === 'N4') s[2] = '\u00c9\u00c9';
      if (s[0] === 'CLM') s[1] = `\u{1f600}${s[1]}`;
      if (s[0] === 'DTP') s[3] = `${s[3].slice(0, 7)}\u00e9`;
    }
  });
  const text = 'ISA*00*          *00*          *ZZ*S              *ZZ*R              *260101*1200*^*00501*000000001*0*T*:~\n'
    + 'GS*PO*S*R*20260101*1200*1*X*005010~\nST*850*0001~\nBEG*00*SA*1**20260101~\nN1*ST*SHIP TO \u00c9*92*12345~\nSE*4*0001~\nGE*1*1~\nIEA*1*000000001~\n';
  out.push({ name: 'edge/no-guide', bytes: Buffer.from(text, 'latin1') });
  return out;
}
