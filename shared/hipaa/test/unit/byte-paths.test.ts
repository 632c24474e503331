/**
 * The byte paths against the string paths they stand in for, on every corpus file and fixture of
 * the supported guides and on seeded mutations:
 * - checkTransaction checks an ASCII set from its bytes; checkWithGuide over fastSegments checks
 *   the element strings. Both must find the same issues, in the same order, with the same codes,
 *   positions, messages and bad values (mutations made to break each kind of element check).
 * - transactionTree reads an ASCII set with the byte cursor; walk over fastSegments reads the
 *   split strings. Both must give the same tree.
 */
import { checkTransaction, checkWithGuide, compiledGuide, fastSegments, resolveGuide, transactionTree, walk } from '@ediflow/hipaa';
import type { X12Issue } from '@ediflow/x12';
import { seededRandom as rng } from '@ediflow/testkit';
import { allGuideFiles, readOwn, rebuilt, transactions, type Tx } from '../corpus';

const FILES = allGuideFiles();

/** The issues of the string path (the segments' element strings). */
function fromStrings(t: Tx): X12Issue[] {
  const guide = resolveGuide(t.tx.setId, t.tx.implementationRef, t.group.version);
  if (guide === undefined) throw new Error('a set of a supported guide');
  return checkWithGuide(guide, fastSegments(t.tx));
}

describe('guide validation from bytes', () => {
  describe.each(FILES)('%s', (_path, read) => {
    it('when checked from bytes, then every transaction set has the issues of its element strings', () => {
      const sets = transactions(read());
      expect(sets.length).toBeGreaterThan(0);
      for (const t of sets) {
        expect(t.tx.isAscii).toBe(true);
        expect(checkTransaction(t.tx, t.group.version)).toEqual(fromStrings(t));
      }
    });
  });

  it('when element values are mutated to break each kind of check (seeded), then both paths report the same issues', () => {
    const sources = FILES.flatMap(([, read]) => transactions(read()));
    const random = rng(20261124);
    const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)];
    let compared = 0;
    let issues = 0;
    const codes = new Set<string>();
    for (let round = 0; round < 400; round++) {
      const source = pick(sources);
      const d = source.tx.delimiters;
      const values = [
        '', '-', '.', '-.', '1.', '.5', '-0.5', '1.2.3', '--1', '+1', '1e3', '12A', 'ABC', ' 1', '00', '0',
        '20240230', '20240229', '2023022', '240101', '2400', '2360', '1261', '123456789', '12345678901234567890',
        'X'.repeat(90), 'ZZ', '99', 'D8', 'RD8', `A${d.component}B`, `${d.component}${d.component}`, `A${d.component}B${d.component}C${d.component}D${d.component}E${d.component}F${d.component}G${d.component}H`,
        `${d.repetition || d.component}X`, `1${d.repetition || d.component}2`, `${d.component}`,
      ];
      const mutants = rebuilt(source, (segs) => {
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
      });
      for (const t of mutants) {
        const strings = fromStrings(t);
        expect({ round, issues: checkTransaction(t.tx, t.group.version) }).toEqual({ round, issues: strings });
        compared++;
        issues += strings.length;
        for (const i of strings) codes.add(`${i.code}/${i.element?.syntaxCode ?? i.segment?.syntaxCode}`);
      }
    }
    expect(compared).toBeGreaterThan(350);
    expect(issues).toBeGreaterThan(compared);
    // the mutations reach every element check: missing, not used, too many elements, type, length, date, time, code, components, repetitions
    for (const code of ['1', '3', '4', '5', '6', '7', '8', '9', '12', '13', 'I10']) expect([...codes]).toContain(`GUIDE_ELEMENT/${code}`);
  });

  it('when a set holds bytes outside ASCII, then it is checked through its element strings with the same issues', () => {
    const [first] = transactions(readOwn('837D/patient-two-claims.x12'));
    const [t] = rebuilt(first, (segs) => {
      const nm1 = segs.find((s) => s[0] === 'NM1' && s[1] === 'IL');
      if (nm1 === undefined) throw new Error('the fixture has a subscriber');
      nm1[3] = 'M\u00dcLLER'.repeat(20);
    });
    expect(t.tx.isAscii).toBe(false);
    const issues = checkTransaction(t.tx, t.group.version);
    expect(issues).toEqual(fromStrings(t));
    expect(issues.map((i) => i.element?.syntaxCode)).toContain('5');
  });
});

describe('the semantic tree from bytes', () => {
  const fromSplit = (t: Tx): unknown => {
    const guide = resolveGuide(t.tx.setId, t.tx.implementationRef, t.group.version);
    if (guide === undefined) throw new Error('a set of a supported guide');
    return walk(compiledGuide(guide), fastSegments(t.tx)).root;
  };

  it('when every corpus and fixture set, and seeded mutations of them, are read with the byte cursor, then the tree is the one of the split strings', () => {
    const sources = FILES.flatMap(([, read]) => transactions(read()));
    for (const t of sources) expect(transactionTree(t.tx, t.group.version)?.tree).toEqual(fromSplit(t));
    const random = rng(11);
    const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)];
    let compared = 0;
    for (let round = 0; round < 150; round++) {
      const source = pick(sources);
      const d = source.tx.delimiters;
      const values = ['', 'A', 'AB', 'ABC', 'ABCD', `A${d.component}B`, `${d.component}`, `X${d.repetition || d.component}Y`, `${d.repetition || d.component}`, 'LONGER VALUE 123'];
      for (const t of rebuilt(source, (segs) => {
        for (let k = 0; k < 1 + Math.floor(random() * 5) && segs.length > 1; k++) {
          const seg = segs[Math.floor(random() * segs.length)];
          const j = 1 + Math.floor(random() * (seg.length + 2));
          while (seg.length <= j) seg.push('');
          seg[j] = pick(values);
        }
      })) {
        expect({ round, tree: transactionTree(t.tx, t.group.version)?.tree }).toEqual({ round, tree: fromSplit(t) });
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(120);
  });
});
