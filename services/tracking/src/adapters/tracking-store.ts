/**
 * The tracking store over Kysely: applies events (each once: its id goes into applied_events in
 * the same transaction) and answers the API's questions. The same SQL runs on PostgreSQL and
 * PGlite; every value reaches the database as a bound parameter.
 */
import { sql, type Selectable, type Transaction } from 'kysely';
import type { CallbackEvent, ClaimEntry, ClaimsEvent, FileEvent, TrackingEvent, TransactionsEvent } from '@ediflow/tracking';
import { CALLBACK_OUTCOME_RANK, FILE_STATE_RANK, STATUS_RANK, claimEventKeyOf, claimKeyOf, matchClaim } from '../domain/lifecycle';
import type { TrackingDb } from './db';
import type { CallbacksTable, ClaimEventsTable, ClaimsTable, FilesTable, TrackingTables, TransactionSetsTable } from './schema';

type Trx = Transaction<TrackingTables>;

/** Rows per INSERT: well under PostgreSQL's 65,535 bound parameters with 17 columns. */
const BATCH = 500;

function chunks<T>(items: readonly T[], size = BATCH): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

const rankCase = (column: string, ranks: Record<string, number>) =>
  sql.raw(`case ${column} ${Object.entries(ranks).map(([k, v]) => `when '${k}' then ${v}`).join(' ')} else -1 end`);

export interface Page<T> {
  items: T[];
  /** Pass back as `cursor` for the next page; absent on the last page. */
  nextCursor?: string;
}

export interface FileFilter {
  partnerId?: string;
  state?: string;
  from?: Date;
  to?: Date;
  cursor?: string;
  limit: number;
}

export interface ClaimFilter {
  partnerId?: string;
  claimNumber?: string;
  status?: string;
  from?: Date;
  to?: Date;
  cursor?: string;
  limit: number;
}

export interface TransactionFilter {
  isa13?: string;
  gs06?: string;
  st02?: string;
  partnerId?: string;
  limit: number;
}

/** Cursor: the sort key of the last row given, opaque to callers. */
function encodeCursor(at: Date, id: string): string {
  return Buffer.from(JSON.stringify([at.toISOString(), id])).toString('base64url');
}

export class InvalidCursorError extends Error {
  constructor() {
    super('cursor is not one this API gave out');
  }
}

function decodeCursor(cursor: string): { at: Date; id: string } {
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [string, string];
    const date = new Date(at);
    if (typeof id !== 'string' || Number.isNaN(date.getTime())) throw new InvalidCursorError();
    return { at: date, id };
  } catch {
    throw new InvalidCursorError();
  }
}

const asDate = (v: Date | string | null): Date | null => (v === null ? null : v instanceof Date ? v : new Date(v));
const iso = (v: Date | string | null): string | null => asDate(v)?.toISOString() ?? null;

export function createTrackingStore(db: TrackingDb, clock: () => Date = () => new Date()) {
  async function applyFile(trx: Trx, e: FileEvent): Promise<void> {
    const at = new Date(e.at);
    await trx
      .insertInto('files')
      .values({
        file_id: e.fileId,
        partner_id: e.partnerId,
        channel: e.channel ?? null,
        size_bytes: e.sizeBytes ?? null,
        digest: e.digest ?? null,
        state: e.state,
        reason_code: e.reasonCode ?? null,
        ta1: e.ta1 ?? null,
        groups_999: e.groups999 ?? null,
        transactions_accepted: e.transactions?.accepted ?? null,
        transactions_rejected: e.transactions?.rejected ?? null,
        received_at: e.state === 'received' ? at : null,
        quarantined_at: e.state === 'quarantined' ? at : null,
        finished_at: e.state === 'translated' || e.state === 'rejected' ? at : null,
        updated_at: clock(),
      })
      .onConflict((oc) =>
        oc.column('file_id').doUpdateSet({
          channel: sql`coalesce(excluded.channel, files.channel)`,
          size_bytes: sql`coalesce(excluded.size_bytes, files.size_bytes)`,
          digest: sql`coalesce(excluded.digest, files.digest)`,
          // A terminal state stays; 'received' arriving after it (out of order) does not undo it.
          state: sql`case when ${rankCase('excluded.state', FILE_STATE_RANK)} > ${rankCase('files.state', FILE_STATE_RANK)} then excluded.state else files.state end`,
          reason_code: sql`coalesce(excluded.reason_code, files.reason_code)`,
          ta1: sql`coalesce(excluded.ta1, files.ta1)`,
          groups_999: sql`coalesce(excluded.groups_999, files.groups_999)`,
          transactions_accepted: sql`coalesce(excluded.transactions_accepted, files.transactions_accepted)`,
          transactions_rejected: sql`coalesce(excluded.transactions_rejected, files.transactions_rejected)`,
          received_at: sql`coalesce(files.received_at, excluded.received_at)`,
          quarantined_at: sql`coalesce(files.quarantined_at, excluded.quarantined_at)`,
          finished_at: sql`coalesce(files.finished_at, excluded.finished_at)`,
          updated_at: sql`excluded.updated_at`,
        }),
      )
      .execute();
  }

  async function applyTransactions(trx: Trx, e: TransactionsEvent): Promise<void> {
    const at = new Date(e.at);
    for (const part of chunks(e.sets)) {
      await trx
        .insertInto('transaction_sets')
        .values(
          part.map((s) => ({
            set_key: s.transactionId ?? `${e.fileId}:${s.position}:${s.isa13}:${s.gs06}:${s.st02}`,
            file_id: e.fileId,
            partner_id: e.partnerId,
            transaction_id: s.transactionId ?? null,
            isa13: s.isa13,
            gs06: s.gs06,
            st02: s.st02,
            set_id: s.setId,
            guide: s.guide ?? null,
            position: s.position,
            status: s.status,
            codes: s.codes,
            recorded_at: at,
          })),
        )
        .onConflict((oc) => oc.column('set_key').doNothing())
        .execute();
    }
  }

  /** The claim each payer entry speaks of (277CA, 835), or null: unmatched. */
  async function resolvePayerClaims(trx: Trx, entries: readonly ClaimEntry[]): Promise<(string | null)[]> {
    const numbers = [...new Set(entries.map((c) => c.claimNumber))];
    const candidates = new Map<string, { claimKey: string; providerId: string | null; submittedAt: Date }[]>();
    for (const part of chunks(numbers)) {
      const rows = await trx.selectFrom('claims').select(['claim_key', 'claim_number', 'provider_id', 'submitted_at']).where('claim_number', 'in', part).execute();
      for (const r of rows) {
        const list = candidates.get(r.claim_number) ?? [];
        list.push({ claimKey: r.claim_key, providerId: r.provider_id, submittedAt: asDate(r.submitted_at) as Date });
        candidates.set(r.claim_number, list);
      }
    }
    return entries.map((c) => matchClaim(candidates.get(c.claimNumber) ?? [], c.providerId) ?? null);
  }

  /**
   * Sets each claim's status, paid amount and payer control number from its events. The claims
   * are locked first (in key order): another replica's transaction for the same claims waits,
   * and then reads this one's events in its own recompute.
   */
  async function recompute(trx: Trx, claimKeys: readonly string[]): Promise<void> {
    for (const keys of chunks([...new Set(claimKeys)].sort())) {
      await sql`select claim_key from claims where claim_key in (${sql.join(keys)}) order by claim_key for update`.execute(trx);
      await sql`
        update claims c set
          status = e.status,
          status_rank = e.status_rank,
          paid_amount = coalesce(p.paid_amount, c.paid_amount),
          trace_number = coalesce(p.trace_number, c.trace_number),
          payer_claim_control_number = coalesce(q.payer_claim_control_number, c.payer_claim_control_number),
          updated_at = ${clock()}
        from (
          select distinct on (claim_key) claim_key, status, status_rank from claim_events
          where claim_key in (${sql.join(keys)}) order by claim_key, status_rank desc, occurred_at desc, seq desc
        ) e
        left join (
          select distinct on (claim_key) claim_key, paid_amount, trace_number from claim_events
          where claim_key in (${sql.join(keys)}) and source = '835' order by claim_key, occurred_at desc, seq desc
        ) p on p.claim_key = e.claim_key
        left join (
          select distinct on (claim_key) claim_key, payer_claim_control_number from claim_events
          where claim_key in (${sql.join(keys)}) and payer_claim_control_number is not null order by claim_key, occurred_at desc, seq desc
        ) q on q.claim_key = e.claim_key
        where c.claim_key = e.claim_key`.execute(trx);
    }
  }

  async function applyClaims(trx: Trx, e: ClaimsEvent): Promise<void> {
    const at = new Date(e.at);
    const own = e.source === '837' || e.source === '999';
    // The submitter's own events (837, 999) name their claim by key; a payer's (277CA, 835) are matched.
    const keys = own ? e.claims.map((c) => claimKeyOf(e.partnerId, c.claimNumber, c.providerId)) : await resolvePayerClaims(trx, e.claims);
    if (e.source === '837') {
      for (const part of chunks(e.claims.map((c, i) => ({ c, key: keys[i] as string })))) {
        await trx
          .insertInto('claims')
          .values(
            part.map(({ c, key }) => ({
              claim_key: key,
              partner_id: e.partnerId,
              claim_number: c.claimNumber,
              provider_id: c.providerId ?? null,
              payer_id: c.payerId ?? null,
              billed_amount: c.billedAmount ?? null,
              service_date_from: c.serviceDateFrom ?? null,
              service_date_to: c.serviceDateTo ?? null,
              file_id: e.fileId,
              set_key: e.setKey,
              status: 'submitted',
              status_rank: STATUS_RANK.submitted,
              paid_amount: null,
              payer_claim_control_number: null,
              trace_number: null,
              submitted_at: at,
              updated_at: clock(),
            })),
          )
          .onConflict((oc) => oc.column('claim_key').doNothing())
          .execute();
      }
    }
    for (const part of chunks(e.claims.map((c, i) => ({ c, i })))) {
      await trx
        .insertInto('claim_events')
        .values(
          part.map(({ c, i }) => ({
            event_key: claimEventKeyOf(e.source, e.setKey, i, c.status),
            claim_key: keys[i],
            partner_id: e.partnerId,
            claim_number: c.claimNumber,
            provider_id: c.providerId ?? null,
            source: e.source,
            status: c.status,
            status_rank: STATUS_RANK[c.status],
            codes: c.codes,
            billed_amount: c.billedAmount ?? null,
            paid_amount: c.paidAmount ?? null,
            payer_claim_control_number: c.payerClaimControlNumber ?? null,
            trace_number: c.traceNumber ?? null,
            file_id: e.fileId,
            set_key: e.setKey,
            occurred_at: at,
          })),
        )
        .onConflict((oc) => oc.column('event_key').doNothing())
        .execute();
    }
    const affected = keys.filter((k): k is string => k !== null);
    if (e.source === '837') {
      // A payer's events that came before the claim was known are its own now.
      for (const part of chunks(affected)) {
        const attached = await sql<{ claim_key: string }>`
          update claim_events ce set claim_key = c.claim_key
          from claims c
          where ce.claim_key is null and c.claim_key in (${sql.join(part)}) and ce.claim_number = c.claim_number
            and (ce.provider_id is null or c.provider_id is null or ce.provider_id = c.provider_id)
          returning ce.claim_key`.execute(trx);
        affected.push(...attached.rows.map((r) => r.claim_key));
      }
    }
    await recompute(trx, affected);
  }

  async function applyCallback(trx: Trx, e: CallbackEvent): Promise<void> {
    const at = new Date(e.at);
    await trx
      .insertInto('callbacks')
      .values({
        message_id: e.messageId,
        subscription_id: e.subscriptionId,
        partner_id: e.partnerId,
        file_id: e.fileId,
        attempts: e.attempt,
        outcome: e.outcome,
        latency_ms: e.latencyMs ?? null,
        code: e.code ?? null,
        first_attempt_at: at,
        last_attempt_at: at,
        delivered_at: e.outcome === 'delivered' ? at : null,
        dead_lettered_at: e.outcome === 'dead_lettered' ? at : null,
        replayed_at: e.outcome === 'replayed' ? at : null,
      })
      .onConflict((oc) =>
        oc.columns(['message_id', 'subscription_id']).doUpdateSet({
          attempts: sql`greatest(callbacks.attempts, excluded.attempts)`,
          outcome: sql`case when ${rankCase('excluded.outcome', CALLBACK_OUTCOME_RANK)} >= ${rankCase('callbacks.outcome', CALLBACK_OUTCOME_RANK)} then excluded.outcome else callbacks.outcome end`,
          latency_ms: sql`coalesce(excluded.latency_ms, callbacks.latency_ms)`,
          code: sql`coalesce(excluded.code, callbacks.code)`,
          first_attempt_at: sql`least(callbacks.first_attempt_at, excluded.first_attempt_at)`,
          last_attempt_at: sql`greatest(callbacks.last_attempt_at, excluded.last_attempt_at)`,
          delivered_at: sql`coalesce(callbacks.delivered_at, excluded.delivered_at)`,
          dead_lettered_at: sql`coalesce(excluded.dead_lettered_at, callbacks.dead_lettered_at)`,
          replayed_at: sql`coalesce(excluded.replayed_at, callbacks.replayed_at)`,
        }),
      )
      .execute();
  }

  return {
    /** Applies an event once; 'duplicate' when its id was applied before. */
    async apply(eventId: string, event: TrackingEvent): Promise<'applied' | 'duplicate'> {
      return db.transaction().execute(async (trx) => {
        const inserted = await trx
          .insertInto('applied_events')
          .values({ event_id: eventId, kind: event.kind, applied_at: clock() })
          .onConflict((oc) => oc.column('event_id').doNothing())
          .returning('event_id')
          .executeTakeFirst();
        if (inserted === undefined) return 'duplicate';
        if (event.kind === 'file') await applyFile(trx, event);
        else if (event.kind === 'transactions') await applyTransactions(trx, event);
        else if (event.kind === 'claims') await applyClaims(trx, event);
        else await applyCallback(trx, event);
        return 'applied';
      });
    },

    async listFiles(f: FileFilter): Promise<Page<FileView>> {
      let q = db.selectFrom('files').selectAll();
      if (f.partnerId !== undefined) q = q.where('partner_id', '=', f.partnerId);
      if (f.state !== undefined) q = q.where('state', '=', f.state);
      if (f.from !== undefined) q = q.where('received_at', '>=', f.from);
      if (f.to !== undefined) q = q.where('received_at', '<', f.to);
      if (f.cursor !== undefined) {
        const c = decodeCursor(f.cursor);
        q = q.where((eb) => eb.or([eb('received_at', '<', c.at), eb.and([eb('received_at', '=', c.at), eb('file_id', '<', c.id)])]));
      }
      const rows = await q.where('received_at', 'is not', null).orderBy('received_at', 'desc').orderBy('file_id', 'desc').limit(f.limit + 1).execute();
      const items = rows.slice(0, f.limit).map(fileView);
      const last = rows.length > f.limit ? rows[f.limit - 1] : undefined;
      return { items, ...(last ? { nextCursor: encodeCursor(asDate(last.received_at) as Date, last.file_id) } : {}) };
    },

    async getFile(fileId: string): Promise<FileDetail | undefined> {
      const file = await db.selectFrom('files').selectAll().where('file_id', '=', fileId).executeTakeFirst();
      if (!file) return undefined;
      const sets = await db.selectFrom('transaction_sets').selectAll().where('file_id', '=', fileId).orderBy('position').execute();
      const callbacks = await db.selectFrom('callbacks').selectAll().where('file_id', '=', fileId).orderBy('first_attempt_at').execute();
      const claims = await db.selectFrom('claims').select((eb) => eb.fn.countAll<string>().as('n')).where('file_id', '=', fileId).executeTakeFirst();
      return {
        ...fileView(file),
        acknowledgments: { ta1: file.ta1 ?? [], groups999: file.groups_999 ?? [] },
        transactionSets: sets.map(setView),
        claims: Number(claims?.n ?? 0),
        callbacks: callbacks.map(callbackView),
      };
    },

    async findTransactions(f: TransactionFilter): Promise<SetView[]> {
      let q = db.selectFrom('transaction_sets').selectAll();
      if (f.isa13 !== undefined) q = q.where('isa13', '=', f.isa13);
      if (f.gs06 !== undefined) q = q.where('gs06', '=', f.gs06);
      if (f.st02 !== undefined) q = q.where('st02', '=', f.st02);
      if (f.partnerId !== undefined) q = q.where('partner_id', '=', f.partnerId);
      const rows = await q.orderBy('recorded_at', 'desc').orderBy('set_key').limit(f.limit).execute();
      return rows.map(setView);
    },

    async listClaims(f: ClaimFilter): Promise<Page<ClaimView>> {
      let q = db.selectFrom('claims').selectAll();
      if (f.partnerId !== undefined) q = q.where('partner_id', '=', f.partnerId);
      if (f.claimNumber !== undefined) q = q.where('claim_number', '=', f.claimNumber);
      if (f.status !== undefined) q = q.where('status', '=', f.status);
      if (f.from !== undefined) q = q.where('submitted_at', '>=', f.from);
      if (f.to !== undefined) q = q.where('submitted_at', '<', f.to);
      if (f.cursor !== undefined) {
        const c = decodeCursor(f.cursor);
        q = q.where((eb) => eb.or([eb('submitted_at', '<', c.at), eb.and([eb('submitted_at', '=', c.at), eb('claim_key', '<', c.id)])]));
      }
      const rows = await q.orderBy('submitted_at', 'desc').orderBy('claim_key', 'desc').limit(f.limit + 1).execute();
      const last = rows.length > f.limit ? rows[f.limit - 1] : undefined;
      return { items: rows.slice(0, f.limit).map(claimView), ...(last ? { nextCursor: encodeCursor(asDate(last.submitted_at) as Date, last.claim_key) } : {}) };
    },

    async getClaim(claimKey: string): Promise<ClaimDetail | undefined> {
      const claim = await db.selectFrom('claims').selectAll().where('claim_key', '=', claimKey).executeTakeFirst();
      if (!claim) return undefined;
      const events = await db.selectFrom('claim_events').selectAll().where('claim_key', '=', claimKey).orderBy('status_rank').orderBy('occurred_at').orderBy('seq').execute();
      return { ...claimView(claim), timeline: events.map(claimEventView) };
    },

    /** Payer statuses (277CA, 835) for claims not known here: recorded, shown, never dropped. */
    async listUnmatched(f: { partnerId?: string; claimNumber?: string; limit: number }): Promise<ClaimEventView[]> {
      let q = db.selectFrom('claim_events').selectAll().where('claim_key', 'is', null);
      if (f.partnerId !== undefined) q = q.where('partner_id', '=', f.partnerId);
      if (f.claimNumber !== undefined) q = q.where('claim_number', '=', f.claimNumber);
      const rows = await q.orderBy('occurred_at', 'desc').orderBy('seq', 'desc').limit(f.limit).execute();
      return rows.map(claimEventView);
    },

    /**
     * Attaches payer statuses to claims that arrived meanwhile (replicas applying an 837 and its
     * 835 at once can each miss the other) and recomputes those claims. Returns how many.
     */
    async rematch(): Promise<number> {
      return db.transaction().execute(async (trx) => {
        const attached = await sql<{ claim_key: string }>`
          update claim_events ce set claim_key = c.claim_key
          from claims c
          where ce.claim_key is null and ce.claim_number = c.claim_number
            and (ce.provider_id is null or c.provider_id is null or ce.provider_id = c.provider_id)
          returning ce.claim_key`.execute(trx);
        await recompute(trx, attached.rows.map((r) => r.claim_key));
        return attached.rows.length;
      });
    },

    /** Deletes what is older than `before` (by when it happened), in every table; returns rows per table. */
    async purge(before: Date): Promise<Record<string, number>> {
      return db.transaction().execute(async (trx) => {
        const count = (r: { numDeletedRows: bigint }[]) => Number(r.reduce((a, x) => a + x.numDeletedRows, 0n));
        return {
          callbacks: count(await trx.deleteFrom('callbacks').where('last_attempt_at', '<', before).execute()),
          claim_events: count(await trx.deleteFrom('claim_events').where('occurred_at', '<', before).execute()),
          claims: count(await trx.deleteFrom('claims').where('updated_at', '<', before).execute()),
          transaction_sets: count(await trx.deleteFrom('transaction_sets').where('recorded_at', '<', before).execute()),
          files: count(await trx.deleteFrom('files').where('updated_at', '<', before).execute()),
          applied_events: count(await trx.deleteFrom('applied_events').where('applied_at', '<', before).execute()),
        };
      });
    },

    /** Rows per table (tests, metrics). */
    async counts(): Promise<Record<string, number>> {
      const out: Record<string, number> = {};
      for (const table of ['files', 'transaction_sets', 'claims', 'claim_events', 'callbacks', 'applied_events'] as const) {
        const r = await db.selectFrom(table).select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirst();
        out[table] = Number(r?.n ?? 0);
      }
      return out;
    },
  };
}

export type TrackingStore = ReturnType<typeof createTrackingStore>;


export interface FileView {
  fileId: string;
  partnerId: string;
  state: string;
  channel: string | null;
  sizeBytes: number | null;
  digest: string | null;
  reasonCode: string | null;
  transactions: { accepted: number | null; rejected: number | null };
  receivedAt: string | null;
  quarantinedAt: string | null;
  finishedAt: string | null;
}

export interface SetView {
  transactionId: string | null;
  fileId: string;
  partnerId: string;
  isa13: string;
  gs06: string;
  st02: string;
  setId: string;
  guide: string | null;
  position: number;
  status: string;
  codes: string[];
  recordedAt: string | null;
}

export interface CallbackView {
  messageId: string;
  subscriptionId: string;
  attempts: number;
  outcome: string;
  latencyMs: number | null;
  code: string | null;
  firstAttemptAt: string | null;
  lastAttemptAt: string | null;
}

export interface FileDetail extends FileView {
  acknowledgments: { ta1: string[]; groups999: string[] };
  transactionSets: SetView[];
  claims: number;
  callbacks: CallbackView[];
}

export interface ClaimView {
  claimId: string;
  partnerId: string;
  claimNumber: string;
  providerId: string | null;
  payerId: string | null;
  billedAmount: string | null;
  serviceDateFrom: string | null;
  serviceDateTo: string | null;
  status: string;
  paidAmount: string | null;
  payerClaimControlNumber: string | null;
  traceNumber: string | null;
  fileId: string;
  submittedAt: string | null;
  updatedAt: string | null;
}

export interface ClaimEventView {
  source: string;
  status: string;
  codes: string[];
  claimNumber: string;
  partnerId: string;
  billedAmount: string | null;
  paidAmount: string | null;
  payerClaimControlNumber: string | null;
  traceNumber: string | null;
  fileId: string;
  occurredAt: string | null;
}

export interface ClaimDetail extends ClaimView {
  timeline: ClaimEventView[];
}

const dateOnly = (v: unknown): string | null => (v === null || v === undefined ? null : v instanceof Date ? v.toISOString().slice(0, 10) : String(v).slice(0, 10));
const money = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

function fileView(r: Selectable<FilesTable>): FileView {
  return {
    fileId: r.file_id,
    partnerId: r.partner_id,
    state: r.state,
    channel: r.channel,
    sizeBytes: r.size_bytes === null ? null : Number(r.size_bytes),
    digest: r.digest,
    reasonCode: r.reason_code,
    transactions: { accepted: r.transactions_accepted, rejected: r.transactions_rejected },
    receivedAt: iso(r.received_at),
    quarantinedAt: iso(r.quarantined_at),
    finishedAt: iso(r.finished_at),
  };
}

function setView(r: Selectable<TransactionSetsTable>): SetView {
  return {
    transactionId: r.transaction_id,
    fileId: r.file_id,
    partnerId: r.partner_id,
    isa13: r.isa13,
    gs06: r.gs06,
    st02: r.st02,
    setId: r.set_id,
    guide: r.guide,
    position: r.position,
    status: r.status,
    codes: r.codes,
    recordedAt: iso(r.recorded_at),
  };
}

function callbackView(r: Selectable<CallbacksTable>): CallbackView {
  return {
    messageId: r.message_id,
    subscriptionId: r.subscription_id,
    attempts: r.attempts,
    outcome: r.outcome,
    latencyMs: r.latency_ms,
    code: r.code,
    firstAttemptAt: iso(r.first_attempt_at),
    lastAttemptAt: iso(r.last_attempt_at),
  };
}

function claimView(r: Selectable<ClaimsTable>): ClaimView {
  return {
    claimId: r.claim_key,
    partnerId: r.partner_id,
    claimNumber: r.claim_number,
    providerId: r.provider_id,
    payerId: r.payer_id,
    billedAmount: money(r.billed_amount),
    serviceDateFrom: dateOnly(r.service_date_from),
    serviceDateTo: dateOnly(r.service_date_to),
    status: r.status,
    paidAmount: money(r.paid_amount),
    payerClaimControlNumber: r.payer_claim_control_number,
    traceNumber: r.trace_number,
    fileId: r.file_id,
    submittedAt: iso(r.submitted_at),
    updatedAt: iso(r.updated_at),
  };
}

function claimEventView(r: Selectable<ClaimEventsTable>): ClaimEventView {
  return {
    source: r.source,
    status: r.status,
    codes: r.codes,
    claimNumber: r.claim_number,
    partnerId: r.partner_id,
    billedAmount: money(r.billed_amount),
    paidAmount: money(r.paid_amount),
    payerClaimControlNumber: r.payer_claim_control_number,
    traceNumber: r.trace_number,
    fileId: r.file_id,
    occurredAt: iso(r.occurred_at),
  };
}
