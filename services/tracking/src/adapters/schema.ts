/** The tracking tables as Kysely sees them (see migrations/ for the DDL). */
import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
/** numeric comes back from both drivers as a string: amounts stay exact. */
type Numeric = ColumnType<string, string, string>;

export interface AppliedEventsTable {
  event_id: string;
  kind: string;
  applied_at: Timestamp;
}

export interface FilesTable {
  file_id: string;
  partner_id: string;
  channel: string | null;
  size_bytes: ColumnType<string | null, number | null, number | null>;
  digest: string | null;
  state: string;
  reason_code: string | null;
  ta1: string[] | null;
  groups_999: string[] | null;
  transactions_accepted: number | null;
  transactions_rejected: number | null;
  received_at: Timestamp | null;
  quarantined_at: Timestamp | null;
  finished_at: Timestamp | null;
  updated_at: Timestamp;
}

export interface TransactionSetsTable {
  set_key: string;
  file_id: string;
  partner_id: string;
  transaction_id: string | null;
  isa13: string;
  gs06: string;
  st02: string;
  set_id: string;
  guide: string | null;
  position: number;
  status: string;
  codes: string[];
  recorded_at: Timestamp;
}

export interface ClaimsTable {
  claim_key: string;
  partner_id: string;
  claim_number: string;
  provider_id: string | null;
  payer_id: string | null;
  billed_amount: Numeric | null;
  service_date_from: string | null;
  service_date_to: string | null;
  file_id: string;
  set_key: string;
  status: string;
  status_rank: number;
  paid_amount: Numeric | null;
  payer_claim_control_number: string | null;
  trace_number: string | null;
  submitted_at: Timestamp;
  updated_at: Timestamp;
}

export interface ClaimEventsTable {
  event_key: string;
  claim_key: string | null;
  partner_id: string;
  claim_number: string;
  provider_id: string | null;
  source: string;
  status: string;
  status_rank: number;
  codes: string[];
  billed_amount: Numeric | null;
  paid_amount: Numeric | null;
  payer_claim_control_number: string | null;
  trace_number: string | null;
  file_id: string;
  set_key: string;
  occurred_at: Timestamp;
  seq: Generated<number>;
}

export interface CallbacksTable {
  message_id: string;
  subscription_id: string;
  partner_id: string;
  file_id: string;
  attempts: number;
  outcome: string;
  latency_ms: number | null;
  code: string | null;
  first_attempt_at: Timestamp;
  last_attempt_at: Timestamp;
  delivered_at: Timestamp | null;
  dead_lettered_at: Timestamp | null;
  replayed_at: Timestamp | null;
}

export interface TrackingTables {
  applied_events: AppliedEventsTable;
  files: FilesTable;
  transaction_sets: TransactionSetsTable;
  claims: ClaimsTable;
  claim_events: ClaimEventsTable;
  callbacks: CallbacksTable;
}
