import { sql, type Kysely } from 'kysely';

/** Files, transaction sets, claims with their events, callbacks, and the events applied (idempotency). */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table applied_events (
      event_id text primary key,
      kind text not null,
      applied_at timestamptz not null
    )`.execute(db);
  await sql`create index applied_events_applied_at on applied_events (applied_at)`.execute(db);
  await sql`
    create table files (
      file_id text primary key,
      partner_id text not null,
      channel text,
      size_bytes bigint,
      digest text,
      state text not null,
      reason_code text,
      ta1 text[],
      groups_999 text[],
      transactions_accepted integer,
      transactions_rejected integer,
      received_at timestamptz,
      quarantined_at timestamptz,
      finished_at timestamptz,
      updated_at timestamptz not null
    )`.execute(db);
  await sql`create index files_partner_received on files (partner_id, received_at desc, file_id desc)`.execute(db);
  await sql`create index files_received on files (received_at desc, file_id desc)`.execute(db);
  await sql`create index files_state on files (state)`.execute(db);
  await sql`
    create table transaction_sets (
      set_key text primary key,
      file_id text not null,
      partner_id text not null,
      transaction_id text,
      isa13 text not null,
      gs06 text not null,
      st02 text not null,
      set_id text not null,
      guide text,
      position integer not null,
      status text not null,
      codes text[] not null,
      recorded_at timestamptz not null
    )`.execute(db);
  await sql`create index transaction_sets_control on transaction_sets (isa13, gs06, st02)`.execute(db);
  await sql`create index transaction_sets_file on transaction_sets (file_id, position)`.execute(db);
  await sql`
    create table claims (
      claim_key text primary key,
      partner_id text not null,
      claim_number text not null,
      provider_id text,
      payer_id text,
      billed_amount numeric(18, 2),
      service_date_from date,
      service_date_to date,
      file_id text not null,
      set_key text not null,
      status text not null,
      status_rank integer not null,
      paid_amount numeric(18, 2),
      payer_claim_control_number text,
      trace_number text,
      submitted_at timestamptz not null,
      updated_at timestamptz not null
    )`.execute(db);
  await sql`create index claims_number on claims (claim_number)`.execute(db);
  await sql`create index claims_partner_submitted on claims (partner_id, submitted_at desc, claim_key desc)`.execute(db);
  await sql`create index claims_submitted on claims (submitted_at desc, claim_key desc)`.execute(db);
  await sql`create index claims_file on claims (file_id)`.execute(db);
  await sql`
    create table claim_events (
      event_key text primary key,
      claim_key text,
      partner_id text not null,
      claim_number text not null,
      provider_id text,
      source text not null,
      status text not null,
      status_rank integer not null,
      codes text[] not null,
      billed_amount numeric(18, 2),
      paid_amount numeric(18, 2),
      payer_claim_control_number text,
      trace_number text,
      file_id text not null,
      set_key text not null,
      occurred_at timestamptz not null,
      seq bigserial not null
    )`.execute(db);
  await sql`create index claim_events_claim on claim_events (claim_key, status_rank, occurred_at)`.execute(db);
  await sql`create index claim_events_unmatched on claim_events (claim_number) where claim_key is null`.execute(db);
  await sql`create index claim_events_occurred on claim_events (occurred_at)`.execute(db);
  await sql`
    create table callbacks (
      message_id text not null,
      subscription_id text not null,
      partner_id text not null,
      file_id text not null,
      attempts integer not null,
      outcome text not null,
      latency_ms integer,
      code text,
      first_attempt_at timestamptz not null,
      last_attempt_at timestamptz not null,
      delivered_at timestamptz,
      dead_lettered_at timestamptz,
      replayed_at timestamptz,
      primary key (message_id, subscription_id)
    )`.execute(db);
  await sql`create index callbacks_file on callbacks (file_id)`.execute(db);
  await sql`create index callbacks_outcome on callbacks (outcome, last_attempt_at desc)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['callbacks', 'claim_events', 'claims', 'transaction_sets', 'files', 'applied_events']) {
    await sql`drop table if exists ${sql.table(table)}`.execute(db);
  }
}
