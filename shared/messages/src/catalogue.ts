/** Queue names (STOMP destinations) and message types used between services. */
export const DESTINATIONS = {
  fileReceived: '/queue/edi.file.received',
  transactionTranslated: '/queue/edi.transaction.translated',
  outboundRequests: '/queue/edi.outbound.requests',
} as const;

export const MESSAGE_TYPES = {
  fileReceived: 'FileReceived',
  transactionTranslated: 'TransactionTranslated',
} as const;

/** FileReceived body: where the decrypted X12 rests. */
export interface FileReceivedBody {
  /** work/<fileId>/source.x12 */
  sourceKey: string;
  size: number;
  /** How the file arrived: sftp, s3, http. */
  channel: string;
}

/** Object keys: built from ids only, never from partner file names (they can hold PHI). */
export const KEYS = {
  inboundPrefix: (partnerId: string) => `inbound/${partnerId}/`,
  source: (fileId: string) => `work/${fileId}/source.x12`,
  /** A file's terminal state (translator). */
  outcome: (fileId: string) => `work/${fileId}/outcome.json`,
  quarantine: (fileId: string) => `quarantine/${fileId}/`,
  archive: (fileId: string) => `archive/${fileId}/original`,
  outbound: (partnerId: string, name: string) => `outbound/${partnerId}/${name}`,
  messageBody: (messageId: string) => `messages/${messageId}.json`,
  /** The first interchange a partner sent with an ISA13 (control number only: no PHI). */
  interchangeControl: (partnerId: string, controlNumber: string) => `control/${partnerId}/interchanges/${controlNumber}.json`,
} as const;
