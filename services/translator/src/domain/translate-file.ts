import type { Bus } from '@ediflow/bus';
import { readJson, type ObjectStore } from '@ediflow/store';
import type { Logger } from '@ediflow/logger';
import type { Partner, RegistrySource } from '@ediflow/partners';
import type { AlertSink } from '@ediflow/alerts';
import { InvalidInputError } from '@ediflow/errors';
import {
  DESTINATIONS,
  JsonText,
  KEYS,
  MESSAGE_TYPES,
  publishEnvelope,
  resolveBody,
  contentDigestOf,
  transactionIdFor,
  type Envelope,
  type FileReceivedBody,
} from '@ediflow/messages';
import { ReportBuilder, generateAcks, readX12, withInterchangeIssue, type ValidationReport, type X12Issue } from '@ediflow/x12';
import { GUIDE_ISSUE_CODES, documentsForEach, generate277CA, type DocumentOptions, type TranslationThreads } from '@ediflow/hipaa';
import { fileControlNumbers } from './control-numbers';
import { InterchangeDigest, createInterchangeRegister } from './interchange-register';
import type { TranslatorMetrics } from './metrics';
import { claimFacts } from './claim-facts';
import { trackingEventsFor, type TrackedFile, type TrackedSet } from './tracking-events';
import { noTracking, type TrackingEmitter } from '@ediflow/tracking';

/** Encrypts an outbound file for a partner (PGP in production); returns the bytes and the key suffix. */
export type OutboundEncryptor = (partner: Partner, plain: Uint8Array) => Promise<{ bytes: Uint8Array; suffix: string }>;

export interface TranslatorDeps {
  store: ObjectStore;
  bus: Bus;
  logger: Logger;
  metrics: TranslatorMetrics;
  partners: RegistrySource;
  alerts: AlertSink;
  encryptOutbound: OutboundEncryptor;
  clock: () => Date;
  inlineLimitBytes?: number;
  /** Where the file's outcome, sets and claims are recorded (the tracking service); nowhere when omitted. */
  tracking?: TrackingEmitter;
  /** Threads that translate the sets of a large file; the caller's thread when omitted. */
  threads?: TranslationThreads;
}

/** The terminal state of a file, kept at work/<fileId>/outcome.json (DESIGN.md invariant 1). */
export interface FileOutcome {
  fileId: string;
  partnerId: string;
  state: 'translated' | 'rejected';
  transactions: { accepted: number; rejected: number };
  /** Claims of accepted 837 sets held back in lenient mode (rejected in the 277CA). */
  claimsHeldBack: number;
  acknowledgments: string[];
  errorCount: number;
  /** Code of the reason a whole file was rejected (not X12), when it was. */
  code?: string;
  finishedAt: string;
}

/** Where a set sits (its group's and interchange's reports) and the digest of its bytes (part of its id and its interchange's digest). */
interface SetPlace {
  interchangeIndex: number;
  groupIndex: number;
  contentDigest: string;
}

/** An interchange-level issue found beyond the file itself (an ISA13 reused), for interchange `index`. */
interface InterchangeFinding {
  index: number;
  issue: X12Issue;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Translates one received file in two streaming reads of the X12 in the object store. The first
 * reads the envelopes only: which groups (GE) and interchanges (IEA, a reused ISA13) the TA1/999
 * reject, known only once they end, and the digest of each set. The second walks each transaction
 * set once through its guide (hipaa documentsFor: checks and documents together) and publishes one
 * TransactionTranslated per document of a set that the TA1/999 accept: the set itself, its group
 * and its interchange, so a set whose GE or IEA turns out bad is never published (id = partner +
 * ISA13 + GS06 + ST02 + position + digest). Memory stays one set plus per-set places. It writes
 * the TA1/999/997 (and 277CAs) for the partner to outbound/, and records the outcome. Publishing
 * is idempotent, so a redelivered FileReceived republishes the same ids and consumers drop them.
 * Only when all of this is durable does the handler return (and the message get acked).
 */
export function createTranslator(deps: TranslatorDeps) {
  const { store, logger, metrics } = deps;
  const register = createInterchangeRegister(store, deps.clock);

  /**
   * Checks every interchange the TA1 accepts against the partner's ISA13s (recording the new
   * ones): a TA1 note 025 issue for each that reuses one for other content, an error (the
   * interchange is rejected, nothing of it published) or, by the partner's policy, a warning
   * with an alert.
   */
  async function checkControlNumbers(partner: Partner, fileId: string, report: ValidationReport, digests: string[]): Promise<InterchangeFinding[]> {
    const policy = partner.duplicateInterchange;
    const findings: InterchangeFinding[] = [];
    for (let i = 0; i < report.interchanges.length; i += 1) {
      const ic = report.interchanges[i];
      if (ic.ta1.ack === 'R' || digests[i] === undefined) continue;
      const verdict = await register.record(partner.id, ic.header.controlNumber, digests[i], fileId, policy.windowDays * DAY_MS);
      if (verdict.kind !== 'reused') continue;
      const reject = policy.action === 'reject';
      findings.push({
        index: i,
        issue: {
          code: 'ISA13_REUSED',
          severity: reject ? 'error' : 'warning',
          level: 'interchange',
          source: 'control-register',
          ta1Note: '025',
          offset: ic.offset,
          message: `ISA13 ${ic.header.controlNumber} was used on ${verdict.first.firstSeenAt.slice(0, 10)} for an interchange with other content`,
        },
      });
      metrics.reusedInterchange(policy.action);
      logger.warn({ fileId, partnerId: partner.id, controlNumber: ic.header.controlNumber, firstFileId: verdict.first.fileId, action: policy.action }, 'interchange control number reused');
      await deps.alerts.alert('ediflow: interchange control number reused', {
        fileId, partnerId: partner.id, controlNumber: ic.header.controlNumber, action: policy.action,
      });
    }
    return findings;
  }

  const withFindings = (report: ValidationReport, findings: InterchangeFinding[]): ValidationReport =>
    findings.reduce((r, f) => withInterchangeIssue(r, f.index, f.issue), report);

  async function writeOutbound(partner: Partner, fileId: string, kind: string, text: string): Promise<string> {
    const { bytes, suffix } = await deps.encryptOutbound(partner, Buffer.from(text, 'latin1'));
    const key = KEYS.outbound(partner.id, `${fileId}.${kind}.x12${suffix}`);
    await store.put(key, Buffer.from(bytes), { contentType: 'application/octet-stream', metadata: { 'file-id': fileId, kind } });
    return key;
  }

  async function writeAcks(partner: Partner, fileId: string, report: ValidationReport): Promise<string[]> {
    const acks = generateAcks(report, { controlNumbers: fileControlNumbers(fileId), clock: deps.clock });
    const written: string[] = [];
    for (const [kind, text] of [['TA1', acks.ta1], ['999', acks.ack999], ['997', acks.ack997]] as const) {
      if (text === undefined) continue;
      if (kind !== '997' && !partner.acknowledgments.includes(kind)) continue;
      written.push(await writeOutbound(partner, fileId, kind, text));
    }
    return written;
  }

  /** Whether the envelopes leave a set's group and interchange accepted (its AK9 and TA1 not R). */
  function envelopeAccepts(report: ValidationReport, place: SetPlace): boolean {
    const ic = report.interchanges[place.interchangeIndex];
    const group = ic?.groups[place.groupIndex];
    return ic !== undefined && ic.ta1.ack !== 'R' && group !== undefined && group.ack !== 'R';
  }

  /**
   * The first read: the envelopes' report (no guide checks; a group whose sets are all rejected
   * there is rejected whatever the guide says), where each set sits, and each interchange's digest.
   */
  async function readEnvelopes(sourceKey: string, warnOnly: readonly string[]): Promise<{ report: ValidationReport; places: SetPlace[]; digests: string[] }> {
    const builder = new ReportBuilder({ warnOnly, dictionary: false });
    const places: SetPlace[] = [];
    const digests: string[] = [];
    let digest: InterchangeDigest | undefined;
    let interchangeIndex = 0;
    let groupIndex = 0;
    for await (const event of readX12((await store.get(sourceKey)).body)) {
      builder.add(event);
      if (event.type === 'interchangeStart') {
        groupIndex = 0;
        digest = new InterchangeDigest(event.interchange);
      } else if (event.type === 'groupStart') digest?.group(event.group);
      else if (event.type === 'groupEnd') groupIndex += 1;
      else if (event.type === 'interchangeEnd') {
        if (digest !== undefined) digests[interchangeIndex] = digest.digest();
        digest = undefined;
        interchangeIndex += 1;
      } else if (event.type === 'transaction') {
        const contentDigest = contentDigestOf(event.transaction.bytes);
        digest?.transaction(contentDigest);
        places.push({ interchangeIndex, groupIndex, contentDigest });
      }
    }
    return { report: builder.report(), places, digests };
  }

  async function translate(message: Envelope<FileReceivedBody>): Promise<FileOutcome> {
    const started = Date.now();
    const { fileId, partnerId } = message;
    const done = (await readJson<FileOutcome>(store, KEYS.outcome(fileId)))?.value;
    if (done !== undefined) {
      await store.delete(KEYS.inflight(fileId));
      logger.info({ fileId, partnerId, state: done.state }, 'file translated before; its outcome stands');
      return done;
    }
    const partner = (await deps.partners.current()).get(partnerId);
    const body = await resolveBody(store, message);
    const warnOnly = partner.lenient ? [...partner.acceptWithErrors, ...GUIDE_ISSUE_CODES] : partner.acceptWithErrors;
    const options: DocumentOptions = { split: partner.split, lenient: partner.lenient, acceptWithErrors: partner.acceptWithErrors, acknowledgments: partner.acknowledgments };
    const acknowledgments: string[] = [];
    let claimsHeldBack = 0;
    let accepted = 0;
    let rejected = 0;
    const publishDeps = { bus: deps.bus, store, inlineLimitBytes: deps.inlineLimitBytes };
    const emitter = deps.tracking ?? noTracking;
    const tracking = emitter !== noTracking;
    const trackedSets: TrackedSet[] = [];
    let ta1: string[] = [];
    let groups999: string[] = [];
    let outcome: FileOutcome;
    try {
      // Read 1: the envelopes. A set's group (GE) or interchange (IEA, ISA13) can turn out bad only after the set was
      // read, and what the TA1/999 rejects must not have been published: the partner sends it again.
      const envelopes = await readEnvelopes(body.sourceKey, warnOnly);
      const findings = await checkControlNumbers(partner, fileId, envelopes.report, envelopes.digests);
      const envelopeReport = withFindings(envelopes.report, findings);
      // Read 2: each set walked once (guide checks and documents); publish what the acknowledgments accept.
      const builder = new ReportBuilder({ warnOnly });
      let k = 0;
      const genericReasons = new Set<string>();
      const sets = documentsForEach(readX12((await store.get(body.sourceKey)).body), { ...options, fileId, threads: deps.threads ?? 1 });
      for await (const { event, set, transactionIndex: positionInInterchange } of sets) {
        if (event.type !== 'transaction' || set === undefined) {
          builder.add(event);
          continue;
        }
        const place = envelopes.places[k++];
        const { interchange: ic, group, transaction: tx } = event;
        // a set no guide reads goes on as generic segments; the log says why (codes and references only), once per reason and file
        if (set.guideReason !== undefined && !genericReasons.has(set.guideReason)) {
          genericReasons.add(set.guideReason);
          logger.info({ fileId, partnerId, setId: tx.setId, controlNumber: tx.controlNumber, position: positionInInterchange, reason: set.guideReason }, 'transaction set read as generic segments');
        }
        builder.add(event, set.verdict);
        const setAccepted = place !== undefined && set.verdict.ack !== 'R' && envelopeAccepts(envelopeReport, place);
        if (tracking && place !== undefined) {
          const guide = tx.implementationRef || group.version;
          trackedSets.push({
            isa13: ic.header.controlNumber,
            gs06: group.controlNumber,
            st02: tx.controlNumber,
            setId: tx.setId,
            guide,
            position: positionInInterchange,
            status: !setAccepted ? 'rejected' : set.verdict.ack === 'E' ? 'accepted_with_errors' : 'accepted',
            codes: [...set.verdict.errorCodes.map((c) => `IK5:${c}`), ...new Set(set.verdict.issues.filter((i) => i.severity === 'error').map((i) => i.code))].slice(0, 10),
            // The set's id without a claim: the key tracking hangs its documents and claims on.
            transactionId: transactionIdFor({
              partnerId,
              interchangeControlNumber: ic.header.controlNumber,
              groupControlNumber: group.controlNumber,
              transactionControlNumber: tx.controlNumber,
              transactionIndex: positionInInterchange,
              contentDigest: place.contentDigest,
            }),
            claims: claimFacts(tx, guide),
            ...(partner.lenient && set.decisions !== undefined ? { heldBack: new Set(set.decisions.filter((d) => !d.accepted).map((d) => d.claimId)) } : {}),
          });
        }
        if (!setAccepted) {
          rejected += 1;
          metrics.transaction(tx.setId, 'rejected');
          continue;
        }
        if (partner.lenient && set.decisions !== undefined) claimsHeldBack += set.decisions.filter((d) => !d.accepted).length;
        if (set.ack277 !== undefined) {
          const text = generate277CA([set.ack277], { controlNumbers: fileControlNumbers(`${fileId}/277CA/${positionInInterchange}`), clock: deps.clock });
          // undefined: the set holds no claim (the 999 answers for it)
          if (text !== undefined) acknowledgments.push(await writeOutbound(partner, fileId, `${positionInInterchange}.277CA`, text));
        }
        for (const doc of set.documents) {
          const id = transactionIdFor({
            partnerId,
            interchangeControlNumber: ic.header.controlNumber,
            groupControlNumber: group.controlNumber,
            transactionControlNumber: tx.controlNumber,
            transactionIndex: positionInInterchange,
            contentDigest: place.contentDigest,
            ...(doc.claimId === undefined ? {} : { claimId: doc.claimId }),
          });
          await publishEnvelope(
            publishDeps,
            DESTINATIONS.transactionTranslated,
            { type: MESSAGE_TYPES.transactionTranslated, version: 1, id, fileId, partnerId, occurredAt: deps.clock().toISOString(), body: new JsonText(doc.bytes) },
            { JMSXGroupID: fileId, 'x-group': fileId, 'x-transaction-set': tx.setId },
          );
        }
        accepted += 1;
        metrics.transaction(tx.setId, 'accepted');
      }
      const report = withFindings(builder.report(), findings);
      acknowledgments.unshift(...(await writeAcks(partner, fileId, report)));
      ta1 = report.interchanges.map((ic) => (ic.ta1.ack === 'A' ? 'A' : `${ic.ta1.ack}:${ic.ta1.note}`));
      groups999 = report.interchanges.flatMap((ic) => ic.groups.map((g) => g.ack));
      outcome = {
        fileId,
        partnerId,
        state: accepted > 0 ? 'translated' : 'rejected',
        transactions: { accepted, rejected },
        claimsHeldBack,
        acknowledgments,
        errorCount: report.errorCount,
        finishedAt: deps.clock().toISOString(),
      };
    } catch (err) {
      if (!(err instanceof InvalidInputError)) throw err;
      // Not X12 at all (the reader gave up): nothing to acknowledge in X12; record and alert.
      outcome = {
        fileId,
        partnerId,
        state: 'rejected',
        transactions: { accepted, rejected },
        claimsHeldBack,
        acknowledgments,
        errorCount: 1,
        code: err.code,
        finishedAt: deps.clock().toISOString(),
      };
      await deps.alerts.alert('ediflow: file rejected', { fileId, partnerId, code: outcome.code ?? 'X12_INVALID' });
    }
    // Recorded before the outcome: a crash in between translates the file again and repeats the
    // events (their ids repeat too), where after it the outcome would stand and they would be lost.
    if (tracking) {
      const file: TrackedFile = {
        fileId, partnerId, state: outcome.state, ta1, groups999, accepted, rejected, at: outcome.finishedAt,
        ...(outcome.code !== undefined ? { reasonCode: outcome.code } : {}),
      };
      for (const e of trackingEventsFor(file, trackedSets)) await emitter.emit(e);
    }
    await store.put(KEYS.outcome(fileId), JSON.stringify(outcome), { contentType: 'application/json' });
    await store.delete(KEYS.inflight(fileId));
    metrics.file(outcome.state);
    logger.info({ fileId, partnerId, state: outcome.state, accepted, rejected, errors: outcome.errorCount, ms: Date.now() - started }, 'file translated');
    return outcome;
  }

  return { translate };
}

export type Translator = ReturnType<typeof createTranslator>;
