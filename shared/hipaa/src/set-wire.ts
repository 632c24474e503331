/** What goes between documentsForEach and its translation threads (structured clone; the bytes move, not copied). */
import type { FunctionalGroup, Interchange, TransactionSetInit } from '@ediflow/x12';
import type { DocumentOptions, SetDocuments } from './facade';

export interface SetRequest {
  id: number;
  init: TransactionSetInit;
  interchange: Interchange;
  group: FunctionalGroup;
  fileId?: string;
  transactionIndex: number;
  options: DocumentOptions;
}

/** SetDocuments as it arrives: Buffers come back as Uint8Arrays. */
export type WireSet = Omit<SetDocuments, 'documents' | 'lines'> & {
  documents: { bytes: Uint8Array; claimId?: string }[];
  lines?: Uint8Array[];
};

export interface SetReply {
  id: number;
  set?: WireSet;
  error?: { message: string; code?: string };
}
