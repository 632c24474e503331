/**
 * X12 syntax notes of a segment definition (P paired, R required, E exclusion, C conditional,
 * L list conditional), parsed once per definition and checked on which elements are present.
 */
import type { ElementDef, SegmentDef } from './definition';

/** A syntax note: its kind, its text (e.g. 'P0809') and the element positions it names. */
export interface SyntaxNote {
  kind: string;
  rule: string;
  positions: number[];
}

/** What a broken note reports: the element and the IK4 code (2 missing, 10 exclusion). */
export type NoteFinding = (position: number, def: ElementDef, code: '2' | '10', what: string) => void;

const notes = new WeakMap<SegmentDef, SyntaxNote[]>();

/** The notes of a segment definition, parsed on first use. */
export function syntaxNotes(def: SegmentDef): SyntaxNote[] {
  let list = notes.get(def);
  if (list === undefined) {
    list = (def.syntax ?? []).map((rule) => {
      const positions: number[] = [];
      for (let i = 1; i + 1 < rule.length + 1; i += 2) {
        const n = Number(rule.slice(i, i + 2));
        if (Number.isFinite(n) && n > 0) positions.push(n);
      }
      return { kind: rule.charAt(0), rule, positions };
    }).filter((n) => n.positions.length > 0);
    notes.set(def, list);
  }
  return list;
}

/** Whether a note holds for the elements present (`has`): what most segments do, told from how many of its elements are there. */
export function noteHolds(note: SyntaxNote, has: (p: number) => boolean): boolean {
  const { kind, positions } = note;
  let n = 0;
  for (let i = 0; i < positions.length; i++) if (has(positions[i])) n++;
  const all = n === positions.length;
  const lead = has(positions[0]);
  return (kind === 'P' && (n === 0 || all)) || (kind === 'R' && n > 0) || (kind === 'E' && n <= 1) ||
    (kind === 'C' && (!lead || all)) || (kind === 'L' && (!lead || n > 1));
}

/** Reports each broken place of a note that does not hold (noteHolds) to `report`. */
export function reportNote(def: SegmentDef, note: SyntaxNote, has: (p: number) => boolean, report: NoteFinding): void {
  const { kind, rule, positions } = note;
  // a rule over elements the guide does not use cannot be broken by a conforming sender
  const present = positions.map(has);
  const edef = (p: number): ElementDef => def.elements[p - 1] ?? { key: '', name: '', usage: 'S' };
  const usable = (p: number): boolean => edef(p).usage !== 'N';
  switch (kind) {
    case 'P':
      if (present.some((x) => x)) positions.forEach((p, i) => {
        if (!present[i] && usable(p)) report(p, edef(p), '2', `conditional element missing (${rule})`);
      });
      break;
    case 'R':
      if (!present.some((x) => x) && positions.some(usable)) report(positions[0], edef(positions[0]), '2', `one of the elements required (${rule})`);
      break;
    case 'E':
      if (present.filter((x) => x).length > 1) {
        const p = positions[present.lastIndexOf(true)];
        report(p, edef(p), '10', `exclusion condition violated (${rule})`);
      }
      break;
    case 'C':
      if (present[0]) positions.slice(1).forEach((p, i) => {
        if (!present[i + 1] && usable(p)) report(p, edef(p), '2', `conditional element missing (${rule})`);
      });
      break;
    case 'L':
      if (present[0] && !present.slice(1).some((x) => x) && positions.slice(1).some(usable)) report(positions[1], edef(positions[1]), '2', `conditional element missing (${rule})`);
      break;
    default:
  }
}
