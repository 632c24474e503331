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
import { allGuideFiles, readOwn, rebuilt, transactions, type Tx } from '../corpus';
import { placementMutants, validationMutants } from '../mutations';

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
    let compared = 0;
    let issues = 0;
    const codes = new Set<string>();
    for (const m of validationMutants(FILES.flatMap(([, read]) => transactions(read())))) {
      for (const t of transactions(m.bytes)) {
        const strings = fromStrings(t);
        expect({ round: m.name, issues: checkTransaction(t.tx, t.group.version) }).toEqual({ round: m.name, issues: strings });
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
    let compared = 0;
    for (const m of placementMutants(sources)) {
      for (const t of transactions(m.bytes)) {
        expect({ round: m.name, tree: transactionTree(t.tx, t.group.version)?.tree }).toEqual({ round: m.name, tree: fromSplit(t) });
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(120);
  });
});
