/**
 * The one way into this package for X12 -> JSON: documentsFor(set, context, partner settings)
 * walks a transaction set once through its guide, checking it (structure, elements, syntax notes,
 * balancing) and recording what it places, then writes the documents the partner gets (the set
 * as one document, one per claim, or a lenient partner's accepted claims) from that record, and
 * says the set's verdict (the 999's IK5), the decision on each claim and what a 277CA needs. A
 * set of no supported guide gives one document of its segments as sent.
 */
import {
  ByteSegment, SegmentCursor, checkTransactionSyntax, nextSegment, readsAsUtf8, reportTransaction,
  type SegmentBounds, type TransactionReport, type TransactionSet, type X12Issue,
} from '@ediflow/x12';
import type { Ack277Input } from './ack277';
import { Balancer } from './balancing';
import { BusinessUnits } from './business-units';
import { ClaimCut } from './claim-cut';
import { ClaimReader, GUIDE_ISSUE_CODES, claimDecisions, type ClaimDecision } from './claims';
import { documentBase, groupContext, interchangeContext, segmentsDocumentBase, type SplitMode, type TranslateContext } from './context';
import type { CompiledGuide, RtLoop, RtSegment } from './definition';
import { DocumentWriter, guideTable, type WrittenDocument } from './document-writer';
import { ElementChecker } from './element-checks';
import { compiledGuide, isReleaseCode, isReleaseSegment, lookupGuide, type SupportedGuide } from './guides';
import { firstElementIsString } from './segment-writer';
import { StructureIssues } from './structure-checks';
import { EVENT, SEGMENT, SHIFT, Tape } from './tape';
import { walkSet, type LoopSource, type WalkBuilder } from './walker';

/** A partner's settings, as far as the documents of a set depend on them. */
export interface DocumentOptions {
  /** 'transaction' (default): one document per set; 'claim': one per claim where the guide splits (837 2300, 835 2100). */
  split?: SplitMode;
  /** Guide errors reject only the claims they are in (the 999 notes them, accepted with errors); the good claims' documents go on. */
  lenient?: boolean;
  /** Issue codes (or `PREFIX_*`) accepted with the error noted in the 999. */
  acceptWithErrors?: readonly string[];
  /** Acknowledgments the partner wants: with '277CA', `ack277` says what the 277CA needs. */
  acknowledgments?: readonly string[];
  /** false: skip the guide's checks (the verdict has the envelope's and syntax issues only). Default true. */
  guideChecks?: boolean;
  /** Also give the documents as NDJSON (`lines`), written with them: no copy to print them. */
  lineBreaks?: boolean;
}

export interface SetDocuments {
  /** The guide that shaped the documents; undefined: a set of no supported guide (one document of its segments). */
  guide: SupportedGuide | undefined;
  /** When `guide` is undefined: why (the generic document says it too, as `guideReason`). */
  guideReason?: string;
  /** The documents' JSON text in UTF-8, in order (per claim: with the claim id). */
  documents: WrittenDocument[];
  /** The set's report for the 999 (IK5 ack, codes, issues), with the partner's warnOnly codes as warnings. */
  verdict: TransactionReport;
  /** For guides whose claims are judged one by one (837), when the partner is lenient or wants the 277CA: each claim's decision. */
  decisions: ClaimDecision[] | undefined;
  /** When the partner wants the 277CA and the set has claims to answer: what generate277CA needs. */
  ack277: Ack277Input | undefined;
  /** With lineBreaks: the documents, each followed by a line break, as a few Buffers to write in order. */
  lines?: Buffer[];
}

/** Issues the guide's checks give, as the lenient partner's claim decisions count them: errors again. */
const hardened = (issues: readonly X12Issue[]): X12Issue[] =>
  issues.map((i) => ((GUIDE_ISSUE_CODES as readonly string[]).includes(i.code) ? { ...i, severity: 'error' as const } : i));

/** One finding per place and code (the HL checks and the code list can both see HL04), in segment order. */
function merged(structure: X12Issue[], elements: X12Issue[]): X12Issue[] {
  const seen = new Set<string>();
  const all = structure.concat(elements).filter((i) => {
    const k = `${i.segment?.position}|${i.segment?.id}|${i.segment?.syntaxCode}|${i.element?.position}|${i.element?.component}|${i.element?.syntaxCode}|${i.element === undefined ? i.message : ''}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
  all.sort((a, b) => (a.segment?.position ?? 0) - (b.segment?.position ?? 0));
  return all;
}

/** What one walk of a set feeds: the tape (documents), the checks, and the claims reader. */
class SetWalk implements WalkBuilder<number> {
  constructor(
    private readonly guide: CompiledGuide,
    readonly tape: Tape | undefined,
    private readonly checker: ElementChecker | undefined,
    private readonly balancer: Balancer | undefined,
    readonly claims: ClaimReader | undefined,
    readonly units: BusinessUnits | undefined,
  ) {}

  root(src: LoopSource): number {
    this.claims?.open(this.guide.root, src);
    return this.tape?.root(src) ?? 0;
  }

  open(parent: number, loop: RtLoop, src: LoopSource): number {
    this.claims?.open(loop, src);
    this.units?.open(loop, src);
    return this.tape?.open(parent, loop, src) ?? 0;
  }

  segment(node: number, rt: RtSegment, seg: ByteSegment, loop: RtLoop): void {
    this.tape?.segment(node, rt, seg);
    if (this.checker !== undefined && seg.id !== 'ST' && seg.id !== 'SE') this.checker.check(seg, rt.def, loop.id);
    this.balancer?.segment(seg, loop);
    this.claims?.segment(rt, seg);
    this.units?.segment(rt, seg, loop);
  }

  unplaced(node: number, seg: ByteSegment): void {
    this.tape?.unplaced(node, seg);
  }

  close(node: number, loop: RtLoop, src: LoopSource): void {
    this.tape?.close(node, loop, src);
    this.balancer?.close(loop);
    this.claims?.close(src);
    this.units?.close(loop, src);
  }
}

/** The business units the 999 names (CTX) for a guide whose claims are judged one by one: its split loop (837 2300, CLM01). */
function businessUnits(guide: CompiledGuide): BusinessUnits | undefined {
  const loop = guide.definition.split?.loop;
  if (guide.definition.claims === undefined || loop === undefined) return undefined;
  const first = guide.loops.find((l) => l.id === loop)?.first.id;
  return first === undefined ? undefined : new BusinessUnits(loop, first);
}

/** Walks the set once: its guide issues (when checking), and what the builders kept. */
function walk(tx: TransactionSet, guide: CompiledGuide, options: { tape: boolean; checks: boolean; claims: boolean }): { issues: X12Issue[]; tape?: Tape; claims?: ClaimReader } {
  const structure: X12Issue[] = [];
  const elements: X12Issue[] = [];
  const levels = guide.definition.claims;
  const builder = new SetWalk(
    guide,
    options.tape ? new Tape() : undefined,
    options.checks ? new ElementChecker(elements, (ref, value) => isReleaseCode(guide.definition, ref, value)) : undefined,
    options.checks && guide.definition.balancing === true ? new Balancer(elements) : undefined,
    options.claims && levels !== undefined ? new ClaimReader(levels) : undefined,
    options.checks ? businessUnits(guide) : undefined,
  );
  walkSet(guide, new SegmentCursor(tx), builder, options.checks ? new StructureIssues(structure, (id) => isReleaseSegment(guide.definition, id)) : undefined);
  if (!options.checks) return { issues: [], tape: builder.tape, claims: builder.claims };
  const issues = merged(structure, elements);
  return { issues: builder.units?.named(issues) ?? issues, tape: builder.tape, claims: builder.claims };
}

/** The claim id of each claim instance of the tape: element 1 of the claim loop's first segment, as its document's object has it ('' when not a plain value). */
function claimIds(tx: TransactionSet, tape: Tape, guide: CompiledGuide, claimLoop: string, claims: readonly number[]): string[] {
  const first = guide.loops.find((l) => l.id === claimLoop)?.first.def;
  const seg = new ByteSegment(tx.delimiters, tx.bytes);
  return claims.map((c) => {
    const e = (c + 1) * EVENT;
    const head = tape.ops[e];
    if (first === undefined || (head & 3) !== SEGMENT) return '';
    const node = guide.nodes[head >> SHIFT];
    if (node.kind !== 'segment' || node.def.key !== first.key || node.def.elements[0]?.key !== first.elements[0]?.key || !firstElementIsString(node.def)) return '';
    const start = tape.ops[e + 1];
    const end = tape.ops[e + 2];
    return seg.set('', 0, 0, start, end, !tx.isAscii && readsAsUtf8(tx.bytes, start, end, tx.decodesUtf8)).element(1);
  });
}

/** The segments' bounds of a set, as the cursor reads them. */
function segmentBounds(tx: TransactionSet): { starts: number[]; ends: number[] } {
  const starts: number[] = [];
  const ends: number[] = [];
  const b: SegmentBounds = { start: 0, end: 0 };
  for (let p = 0; nextSegment(tx.bytes, tx.delimiters, p, b); p = b.end + 1) {
    starts.push(b.start);
    ends.push(b.end);
  }
  return { starts, ends };
}

/** The NDJSON lines of what `writer` wrote, when asked for. */
const lines = (writer: DocumentWriter, options: DocumentOptions): { lines?: Buffer[] } => (options.lineBreaks === true ? { lines: writer.lines } : {});

/**
 * The documents of one transaction set for a partner, its verdict, its claims' decisions and what
 * the 277CA needs, from one walk of the set.
 */
export function documentsFor(tx: TransactionSet, ctx: TranslateContext, options: DocumentOptions = {}): SetDocuments {
  const warnOnly = options.lenient === true ? [...(options.acceptWithErrors ?? []), ...GUIDE_ISSUE_CODES] : options.acceptWithErrors;
  const dictionary = checkTransactionSyntax(tx, ctx.interchange.header.version);
  const { guide, reason } = lookupGuide(tx, ctx.group.version, ctx.interchange.header.version);
  if (guide === undefined) {
    const { starts, ends } = segmentBounds(tx);
    const head = JSON.stringify(segmentsDocumentBase(tx, ctx, starts.length, reason));
    const writer = new DocumentWriter(tx, tx.bytes.length * 8 + head.length, options.lineBreaks);
    const document = writer.plain(head, starts, ends);
    return { guide, ...(reason === undefined ? {} : { guideReason: reason }), documents: [document], verdict: reportTransaction(tx, dictionary, warnOnly), decisions: undefined, ack277: undefined, ...lines(writer, options) };
  }
  const compiled = compiledGuide(guide);
  const definition = compiled.definition;
  const table = guideTable(compiled);
  // the 277CA (005010X214) answers 5010 claims; a 4010 837 is answered by its 997 alone
  const wants277 = options.acknowledgments?.includes('277CA') === true && definition.legacy !== true;
  const judged = definition.claims !== undefined && (options.lenient === true || wants277);
  const walked = walk(tx, compiled, { tape: true, checks: options.guideChecks !== false, claims: judged });
  const tape = walked.tape as Tape;
  const verdict = reportTransaction(tx, dictionary.concat(walked.issues), warnOnly);
  let decisions: ClaimDecision[] | undefined;
  let ack277: Ack277Input | undefined;
  if (judged && walked.claims !== undefined) {
    const set = walked.claims.claimSet(interchangeContext(ctx.interchange), groupContext(ctx.group), tx.controlNumber);
    decisions = claimDecisions(set.claims, options.lenient === true ? hardened(verdict.issues) : verdict.issues, set.entities);
    if (wants277) ack277 = { claims: set, decisions };
  }
  const base = documentBase(guide, tx, ctx);
  const splitLoop = definition.split?.loop;
  const perClaim = splitLoop !== undefined && ((options.lenient === true && definition.claims !== undefined) || options.split === 'claim');
  const writer = new DocumentWriter(tx, tx.bytes.length * (perClaim ? 16 : 8) + 4096, options.lineBreaks);
  if (!perClaim) {
    if (options.lenient === true && definition.claims !== undefined) return { guide, documents: [], verdict, decisions, ack277, ...lines(writer, options) };
    return { guide, documents: [writer.whole(JSON.stringify(base), tape, table)], verdict, decisions, ack277, ...lines(writer, options) };
  }
  const ordinals = new Set(compiled.nodes.filter((c) => c.kind === 'loop' && c.id === splitLoop).map((c) => c.ordinal));
  const cut = new ClaimCut(tape, ordinals);
  const ids = claimIds(tx, tape, compiled, splitLoop, cut.claims);
  const keep = options.lenient === true && definition.claims !== undefined
    ? (k: number): boolean => decisions !== undefined && decisions[k] !== undefined && decisions[k].claimId === ids[k] && decisions[k].accepted
    : undefined;
  const documents = writer.claims(JSON.stringify(base), tape, table, cut, ids, keep);
  return { guide, documents, verdict, decisions, ack277, ...lines(writer, options) };
}

/**
 * The guide's issues of one transaction set (empty when its guide is not supported): the same walk
 * and checks as documentsFor, without documents. For a ReportBuilder (guideValidator) or a test.
 */
export function checkTransaction(tx: TransactionSet, groupVersion = '', interchangeVersion = ''): X12Issue[] {
  const { guide } = lookupGuide(tx, groupVersion, interchangeVersion);
  if (guide === undefined) return [];
  return walk(tx, compiledGuide(guide), { tape: false, checks: true, claims: false }).issues;
}
