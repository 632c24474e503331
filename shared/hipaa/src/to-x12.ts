/**
 * Semantic JSON -> X12: walks the guide definition in order and writes each segment from its
 * JSON object; envelopes (ISA/GS/ST/SE/GE/IEA) get counts and control numbers from an injected
 * source and dates from an injected clock.
 */
import type { ControlNumberSource, Delimiters } from '@ediflow/x12';
import { InvalidInputError } from '@ediflow/errors';
import { documentProblems } from './check-document';
import type { RtLoop } from './definition';
import { compiledGuide, guideDefinition, SUPPORTED_GUIDES, type SupportedGuide } from './guides';
import { segmentElements, type JsonObject, type JsonValue } from './segment-json';
import type { SemanticDocument } from './context';

const isObject = (v: JsonValue | undefined): v is JsonObject => v !== null && v !== undefined && typeof v === 'object' && !Array.isArray(v);

interface Pending {
  position: number;
  elements: string[];
}

/** Writes a loop's segments in guide order; segments kept as unrecognized go back to their original positions. */
function loopSegments(rt: RtLoop, obj: JsonObject, d: Delimiters, out: string[][], pending: Pending[]): void {
  const emit = (els: string[]): void => {
    while (pending.length > 0 && pending[0].position <= out.length + 1) out.push(pending.shift()!.elements);
    out.push(els);
  };
  for (const c of rt.children) {
    const v = obj[c.def.key];
    if (v === undefined) continue;
    const list = Array.isArray(v) ? v : [v];
    for (const item of list) {
      if (!isObject(item)) continue;
      if (c.kind === 'segment') emit(segmentElements(item, c.def, d));
      else loopSegments(c, item, d, out, pending);
    }
  }
}

function collectUnrecognized(obj: JsonObject, out: Pending[]): void {
  for (const [k, v] of Object.entries(obj)) {
    if (k === 'unrecognizedSegments' && Array.isArray(v)) {
      for (const u of v) {
        if (!isObject(u) || typeof u.segment !== 'string' || !Array.isArray(u.elements)) continue;
        const position = Number(u.position);
        out.push({ position: Number.isFinite(position) ? position : Number.MAX_SAFE_INTEGER, elements: [u.segment, ...u.elements.map((x) => (typeof x === 'string' ? x : ''))] });
      }
      continue;
    }
    for (const x of Array.isArray(v) ? v : [v]) if (isObject(x) && k !== 'source') collectUnrecognized(x, out);
  }
}

/** The segments (element arrays, index 0 = id) of the transaction set a semantic tree describes, ST..SE as stored. */
export function treeSegments(guide: SupportedGuide, tree: JsonObject, delimiters: Delimiters): string[][] {
  if (!SUPPORTED_GUIDES.includes(guide)) throw new InvalidInputError('HIPAA_GUIDE_UNSUPPORTED', 'guide not supported');
  const out: string[][] = [];
  const pending: Pending[] = [];
  collectUnrecognized(tree, pending);
  pending.sort((a, b) => a.position - b.position);
  loopSegments(compiledGuide(guide).root, tree, delimiters, out, pending);
  for (const p of pending) out.push(p.elements);
  return out;
}

export interface ToX12Options {
  controlNumbers: ControlNumberSource;
  clock: () => Date;
  /** Delimiters to write with (default: the document's, else * : ^ ~). */
  delimiters?: Delimiters;
  /** Written after each segment terminator (default '\n'). */
  lineBreak?: string;
  /** Keep the document's ST02 instead of taking a new transaction control number (default false). */
  keepTransactionControlNumber?: boolean;
}

const DEFAULT_DELIMITERS: Delimiters = { element: '*', component: ':', repetition: '^', segment: '~' };
const pad2 = (n: number): string => String(n).padStart(2, '0');
const fixed = (v: string, n: number): string => v.padEnd(n, ' ').slice(0, n);

/**
 * One X12 interchange (ISA/GS/ST..SE/GE/IEA) for one semantic document. SE01, GE01 and IEA01 are
 * counted; ISA13, GS06 and ST02 come from `controlNumbers`; ISA09/10 and GS04/05 from `clock`.
 */
export function toX12(document: SemanticDocument, options: ToX12Options): string {
  if (!SUPPORTED_GUIDES.includes(document.guide)) throw new InvalidInputError('HIPAA_GUIDE_UNSUPPORTED', 'guide not supported');
  // documents come from outside (edi generate): a key or value the guide has no place for is refused, not dropped
  const problems = documentProblems(document);
  if (problems.length > 0) {
    throw new InvalidInputError('HIPAA_DOCUMENT_INVALID', `document does not match guide ${document.guide}: ${problems.join('; ')}`, { details: { problems: problems.length } });
  }
  const d = options.delimiters ?? document.delimiters ?? DEFAULT_DELIMITERS;
  const nl = options.lineBreak ?? '\n';
  const segs = treeSegments(document.guide, document.transaction, d);
  if (segs.length < 1 || segs[0][0] !== 'ST') throw new InvalidInputError('HIPAA_DOCUMENT_INCOMPLETE', 'document has no transaction set header');
  // the trailer is rebuilt (count and control number); anything kept after it stays inside the set
  const inner = segs.slice(1).filter((e) => e[0] !== 'SE');
  const now = options.clock();
  const isa13 = String(options.controlNumbers.next('interchange')).padStart(9, '0');
  const gs06 = String(options.controlNumbers.next('group'));
  const st02 = options.keepTransactionControlNumber === true ? document.controlNumber : String(options.controlNumbers.next('transaction')).padStart(4, '0');
  const st = segs[0].slice();
  while (st.length < 3) st.push('');
  st[2] = st02;
  const se = ['SE', String(inner.length + 2), st02];
  const body = [st, ...inner, se];
  const ic = document.interchange;
  const g = document.group;
  // a 4010 guide's interchange is a 4010 one: ISA11 is the standards identifier U (4010 has no repetition separator)
  const legacy = guideDefinition(document.guide).legacy === true;
  const isa = [
    'ISA', '00', fixed('', 10), '00', fixed('', 10), fixed(ic.senderQualifier, 2), fixed(ic.senderId, 15), fixed(ic.receiverQualifier, 2), fixed(ic.receiverId, 15),
    `${pad2(now.getUTCFullYear() % 100)}${pad2(now.getUTCMonth() + 1)}${pad2(now.getUTCDate())}`, `${pad2(now.getUTCHours())}${pad2(now.getUTCMinutes())}`,
    legacy ? 'U' : d.repetition !== '' ? d.repetition : '^', legacy ? '00401' : '00501', isa13, '0', ic.usage === 'T' ? 'T' : 'P', d.component,
  ];
  const gs = [
    'GS', g.functionalId !== '' ? g.functionalId : 'HC', g.senderCode, g.receiverCode, `${now.getUTCFullYear()}${pad2(now.getUTCMonth() + 1)}${pad2(now.getUTCDate())}`,
    `${pad2(now.getUTCHours())}${pad2(now.getUTCMinutes())}`, gs06, 'X', document.implementationRef !== '' ? document.implementationRef : (guideDefinition(document.guide).version ?? document.guide),
  ];
  for (const e of body) {
    for (const v of e) {
      if (v.includes(d.element) || v.includes(d.segment)) {
        throw new InvalidInputError('HIPAA_DELIMITER_IN_VALUE', `a ${e[0]} value holds the element or segment separator: choose other delimiters`);
      }
    }
  }
  const lines = [isa, gs, ...body, ['GE', '1', gs06], ['IEA', '1', isa13]];
  return lines.map((e) => e.join(d.element) + d.segment + nl).join('');
}
