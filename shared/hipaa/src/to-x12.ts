/**
 * JSON -> X12: a semantic document's segments come from walking its guide definition in order and
 * writing each segment from its JSON object; a generic document's from its segment list. The
 * envelopes (ISA/GS/GE/IEA) are the ones the documents carry, consecutive documents of one
 * interchange and group back in one ISA and GS, or, when asked, new ones: each document in an
 * interchange of its own with control numbers from an injected source and dates from an injected
 * clock. SE01, GE01 and IEA01 are always counted.
 */
import type { ControlNumberSource, Delimiters } from '@ediflow/x12';
import { InvalidInputError } from '@ediflow/errors';
import { documentProblems } from './check-document';
import type { RtLoop } from './definition';
import { compiledGuide, guideDefinition, SUPPORTED_GUIDES, type SupportedGuide } from './guides';
import { segmentElements, type JsonObject, type JsonValue } from './segment-json';
import type { GroupContext, InterchangeContext, SegmentsDocument, SegmentsElement, SemanticDocument } from './context';

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

/** What toX12 writes: documents as edi translate prints them, semantic (a supported guide) or generic (segments). */
export type X12Document = SemanticDocument | SegmentsDocument;

export interface WriteOptions {
  /** Delimiters to write with (default: the document's, else * : ^ ~). */
  delimiters?: Delimiters;
  /** Written after each segment terminator (default '\n'). */
  lineBreak?: string;
}

/** New envelopes: each document in an interchange of its own. */
export interface NewEnvelopeOptions extends WriteOptions {
  /** ISA13, GS06 and ST02. */
  controlNumbers: ControlNumberSource;
  /** ISA09/10 and GS04/05. */
  clock: () => Date;
  /** Keep the document's ST02 instead of taking a new transaction control number (default false). */
  keepTransactionControlNumber?: boolean;
}

/** Without `controlNumbers`: the envelopes the documents carry. */
export type ToX12Options = WriteOptions | NewEnvelopeOptions;

const DEFAULT_DELIMITERS: Delimiters = { element: '*', component: ':', repetition: '^', segment: '~' };
const pad2 = (n: number): string => String(n).padStart(2, '0');
const fixed = (v: string, n: number): string => v.padEnd(n, ' ').slice(0, n);
const isSemantic = (doc: X12Document): doc is SemanticDocument => (doc as Partial<SemanticDocument>).guide !== undefined;

/** A generic element's text: its repetitions joined by the repetition separator, their components by the component separator. */
function genericText(v: SegmentsElement, d: Delimiters, id: string): string {
  if (typeof v === 'string') return v;
  for (const rep of v) {
    for (const c of rep) {
      if (c.includes(d.component) || (d.repetition !== '' && c.includes(d.repetition))) {
        throw new InvalidInputError('HIPAA_DELIMITER_IN_VALUE', `a ${id} component holds the component or repetition separator: choose other delimiters`);
      }
    }
  }
  if (v.length > 1 && d.repetition === '') throw new InvalidInputError('HIPAA_DELIMITER_IN_VALUE', `a ${id} element repeats and the delimiters have no repetition separator`);
  return v.map((rep) => rep.join(d.component)).join(d.repetition);
}

/** The set's segments ST..SE of a document, ST02 and SE02 `st02`, SE01 counted. */
function setSegments(doc: X12Document, d: Delimiters, st02: string): string[][] {
  let segs: string[][];
  if (isSemantic(doc)) segs = treeSegments(doc.guide, doc.transaction, d);
  else segs = doc.segments.map((s) => [s.id, ...s.elements.map((e) => genericText(e, d, s.id))]);
  if (segs.length < 1 || segs[0][0] !== 'ST') throw new InvalidInputError('HIPAA_DOCUMENT_INCOMPLETE', 'document has no transaction set header');
  // the trailer is rebuilt (count and control number); anything kept after it stays inside the set
  const inner = segs.slice(1).filter((e) => e[0] !== 'SE');
  const st = segs[0].slice();
  while (st.length < 3) st.push('');
  st[2] = st02;
  const body = [st, ...inner, ['SE', String(inner.length + 2), st02]];
  for (const e of body) {
    for (const v of e) {
      if (v.includes(d.element) || v.includes(d.segment)) {
        throw new InvalidInputError('HIPAA_DELIMITER_IN_VALUE', `a ${e[0]} value holds the element or segment separator: choose other delimiters`);
      }
    }
  }
  return body;
}

/** ISA11: the repetition separator, else what the interchange sent there (U before 5010). */
const isa11 = (ic: Partial<InterchangeContext>, d: Delimiters): string => (d.repetition !== '' ? d.repetition : (ic.standardsOrRepetition ?? '^'));

function isaOf(ic: InterchangeContext, d: Delimiters, dates: { date: string; time: string; version: string; controlNumber: string } | undefined): string[] {
  const e = dates ?? ic;
  return [
    'ISA', ic.authorizationQualifier ?? '00', fixed(ic.authorization ?? '', 10), ic.securityQualifier ?? '00', fixed(ic.security ?? '', 10),
    fixed(ic.senderQualifier, 2), fixed(ic.senderId, 15), fixed(ic.receiverQualifier, 2), fixed(ic.receiverId, 15),
    e.date, e.time, isa11(ic, d), e.version, e.controlNumber, ic.ackRequested ?? '0', ic.usage, d.component,
  ];
}

const gsOf = (g: GroupContext, e: { date: string; time: string; controlNumber: string; version: string }): string[] => [
  'GS', g.functionalId, g.senderCode, g.receiverCode, e.date, e.time, e.controlNumber, g.agency ?? 'X', e.version,
];

/** Refuses a document that cannot be written (HIPAA_DOCUMENT_INVALID, naming the document by its 1-based number). */
function checked(doc: X12Document, n: number, kept: boolean): void {
  const problems = documentProblems(doc, 10, { keptEnvelope: kept });
  if (problems.length > 0) {
    const what = isSemantic(doc) ? `guide ${String(doc.guide)}` : 'the generic document shape';
    throw new InvalidInputError('HIPAA_DOCUMENT_INVALID', `document ${n} does not match ${what}: ${problems.join('; ')}`, { details: { document: n, problems: problems.length } });
  }
  if (kept && isSemantic(doc) && doc.split !== undefined) {
    throw new InvalidInputError(
      'HIPAA_SPLIT_DOCUMENT',
      `document ${n} is claim ${doc.split.index} of ${doc.split.count} of a set split per claim: its set cannot be written back as sent (translate without --split claim), or take new control numbers (each claim a set of its own)`,
      { details: { document: n } },
    );
  }
}

/** Documents of one interchange and group share these (and come in their order within the interchange). */
const interchangeKey = (doc: X12Document, d: Delimiters): string => JSON.stringify([doc.interchange, d, doc.source.fileId ?? null]);

/**
 * X12 for documents. Without `controlNumbers`, the envelope each document carries: consecutive
 * documents of one interchange (same ISA context, delimiters and file, set positions rising) go
 * into one ISA, of one group (same GS context) into one GS; ISA01-16, GS01-08, ST02 as carried.
 * With `controlNumbers`, each document in an interchange of its own: ISA13, GS06 and ST02 from
 * `controlNumbers`, ISA09/10 and GS04/05 from `clock`, ISA01-04 empty. A document split per claim
 * is refused without `controlNumbers` (HIPAA_SPLIT_DOCUMENT); one its guide or the generic shape
 * does not allow is refused (HIPAA_DOCUMENT_INVALID, naming document and JSON Pointers, no values).
 */
export function toX12(input: X12Document | readonly X12Document[], options: ToX12Options = {}): string {
  const documents: readonly X12Document[] = Array.isArray(input) ? input : [input as X12Document];
  const renew = 'controlNumbers' in options ? options : undefined;
  documents.forEach((doc, i) => {
    if (isSemantic(doc) && !SUPPORTED_GUIDES.includes(doc.guide)) throw new InvalidInputError('HIPAA_GUIDE_UNSUPPORTED', `document ${i + 1}: guide not supported`, { details: { document: i + 1 } });
    checked(doc, i + 1, renew === undefined);
  });
  const out = new SegmentLines(options.lineBreak ?? '\n');
  if (renew !== undefined) newEnvelopes(documents, renew, out);
  else keptEnvelopes(documents, options.delimiters, out);
  return out.text();
}

/** Segments written as lines with the delimiters of the interchange at hand. */
class SegmentLines {
  d: Delimiters = DEFAULT_DELIMITERS;
  private readonly out: string[] = [];

  constructor(private readonly nl: string) {}

  readonly write = (e: string[]): void => {
    this.out.push(e.join(this.d.element) + this.d.segment + this.nl);
  };

  text(): string {
    return this.out.join('');
  }
}

/** Each document in an interchange of its own, with new control numbers and the clock's dates. */
function newEnvelopes(documents: readonly X12Document[], renew: NewEnvelopeOptions, out: SegmentLines): void {
  for (const doc of documents) {
    // a 4010 guide's interchange is a 4010 one: ISA11 is the standards identifier U (4010 has no repetition separator)
    const legacy = isSemantic(doc) && guideDefinition(doc.guide).legacy === true;
    const given = renew.delimiters ?? doc.delimiters ?? DEFAULT_DELIMITERS;
    const d = (out.d = legacy ? { ...given, repetition: '' } : given);
    const now = renew.clock();
    const isa13 = String(renew.controlNumbers.next('interchange')).padStart(9, '0');
    const gs06 = String(renew.controlNumbers.next('group'));
    const st02 = renew.keepTransactionControlNumber === true ? doc.controlNumber : String(renew.controlNumbers.next('transaction')).padStart(4, '0');
    const body = setSegments(doc, d, st02);
    const time = `${pad2(now.getUTCHours())}${pad2(now.getUTCMinutes())}`;
    const ymd = `${pad2(now.getUTCMonth() + 1)}${pad2(now.getUTCDate())}`;
    const ic = doc.interchange;
    const ref = isSemantic(doc) ? (doc.implementationRef !== '' ? doc.implementationRef : (guideDefinition(doc.guide).version ?? doc.guide)) : doc.implementationGuide !== '' ? doc.implementationGuide : doc.group.version;
    const fresh = {
      ...ic, authorizationQualifier: '00', authorization: '', securityQualifier: '00', security: '', ackRequested: '0', usage: ic.usage === 'T' ? 'T' : 'P',
      ...(legacy ? { standardsOrRepetition: 'U' } : {}),
    };
    const version = legacy ? '00401' : typeof ic.version === 'string' && ic.version !== '' ? ic.version : '00501';
    out.write(isaOf(fresh, d, { date: `${pad2(now.getUTCFullYear() % 100)}${ymd}`, time, version, controlNumber: isa13 }));
    out.write(gsOf({ ...doc.group, functionalId: doc.group.functionalId !== '' ? doc.group.functionalId : 'HC', agency: 'X' }, { date: `${now.getUTCFullYear()}${ymd}`, time, controlNumber: gs06, version: ref }));
    body.forEach(out.write);
    out.write(['GE', '1', gs06]);
    out.write(['IEA', '1', isa13]);
  }
}

/** The envelopes the documents carry: an open ISA or GS is closed when the next document is of another. */
function keptEnvelopes(documents: readonly X12Document[], delimiters: Delimiters | undefined, out: SegmentLines): void {
  let ic: { key: string; doc: X12Document; groups: number; index: number } | undefined;
  let group: { key: string; doc: X12Document; sets: number } | undefined;
  const closeGroup = (): void => {
    if (group === undefined || ic === undefined) return;
    out.write(['GE', String(group.sets), group.doc.group.controlNumber]);
    ic.groups += 1;
    group = undefined;
  };
  const closeInterchange = (): void => {
    closeGroup();
    if (ic !== undefined) out.write(['IEA', String(ic.groups), ic.doc.interchange.controlNumber]);
    ic = undefined;
  };
  for (const doc of documents) {
    const own = delimiters ?? doc.delimiters ?? DEFAULT_DELIMITERS;
    const key = interchangeKey(doc, own);
    const index = doc.source.transactionIndex;
    // the same ISA context again with a set position that does not rise: the next interchange
    if (ic === undefined || ic.key !== key || (index !== undefined && index <= ic.index)) {
      closeInterchange();
      out.d = own;
      ic = { key, doc, groups: 0, index: 0 };
      out.write(isaOf(doc.interchange, own, undefined));
    }
    ic.index = index ?? ic.index;
    const gkey = JSON.stringify(doc.group);
    if (group === undefined || group.key !== gkey) {
      closeGroup();
      group = { key: gkey, doc, sets: 0 };
      out.write(gsOf(doc.group, doc.group));
    }
    group.sets += 1;
    setSegments(doc, own, doc.controlNumber).forEach(out.write);
  }
  closeInterchange();
}
