/** Queue names (STOMP destinations) and message types used between services. */
export const DESTINATIONS = {
  fileReceived: '/queue/edi.file.received',
  transactionTranslated: '/queue/edi.transaction.translated',
  outboundRequests: '/queue/edi.outbound.requests',
  /** What services record about files, sets, claims and callbacks, for the tracking service. */
  tracking: '/queue/edi.tracking.events',
} as const;

export const MESSAGE_TYPES = {
  fileReceived: 'FileReceived',
  transactionTranslated: 'TransactionTranslated',
  trackingEvent: 'TrackingEvent',
} as const;

/** FileReceived body: where the decrypted X12 rests. */
export interface FileReceivedBody {
  /** work/<fileId>/source.x12 */
  sourceKey: string;
  size: number;
  /** How the file arrived: sftp, s3, http. */
  channel: string;
}

/**
 * Object keys: built from ids only, never from partner file names (they can hold PHI). Every key
 * the services write is made here (a lint rule refuses key literals elsewhere).
 */
export const KEYS = {
  /** Every partner upload lies under this prefix. */
  inbound: 'inbound/',
  inboundPrefix: (partnerId: string) => `inbound/${partnerId}/`,
  source: (fileId: string) => `work/${fileId}/source.x12`,
  /** What ingest knows of a file (the only place the partner's file name is kept). */
  fileRecord: (fileId: string) => `work/${fileId}/file.json`,
  /** Ingest replicas' claims on uploads. */
  claims: 'claims/',
  /** Durable idempotency keys (@ediflow/dedupe). */
  dedupe: 'dedupe/',
  /** A service's dead letters, and those replayed. */
  deadLetters: (service: string) => `deadletters/${service}/`,
  replayedDeadLetters: (service: string) => `deadletters-replayed/${service}/`,
  /** The terminal state of a file's translation (DESIGN.md invariant 1). */
  outcome: (fileId: string) => `work/${fileId}/outcome.json`,
  quarantine: (fileId: string) => `quarantine/${fileId}/`,
  archive: (fileId: string) => `archive/${fileId}/original`,
  outbound: (partnerId: string, name: string) => `outbound/${partnerId}/${name}`,
  messageBody: (messageId: string) => `messages/${messageId}.json`,
  /**
   * A received file whose translation has no outcome yet: written by ingest before FileReceived
   * is published (it holds that message), deleted by the translator with the outcome.
   */
  inflight: (fileId: string) => `inflight/${fileId}.json`,
  inflightPrefix: 'inflight/',
  /** An audit record of a service's operator actions (the console's replays), by UTC day. */
  audit: (service: string, day: string, id: string) => `audit/${service}/${day}/${id}.json`,
  auditDay: (service: string, day: string) => `audit/${service}/${day}/`,
  /** The first interchange a partner sent with an ISA13 (control number only: no PHI). */
  interchangeControl: (partnerId: string, controlNumber: string) => `control/${partnerId}/interchanges/${controlNumber}.json`,
} as const;
