import { groupContext, interchangeContext, type GroupContext, type InterchangeContext } from '@ediflow/hipaa';
import type { FunctionalGroup, Interchange, TransactionSet } from '@ediflow/x12';

/**
 * The JSON document published for a transaction set of no guide the translator knows:
 * the same envelope context as the semantic documents, and its segments.
 */
export interface TranslatedDocument {
  transactionSet: string;
  controlNumber: string;
  implementationGuide: string;
  interchange: InterchangeContext;
  group: GroupContext;
  /** Segment numbers (ST = 1) of the first and last segment, pointing back into the source. */
  source: { fileId: string; firstSegment: number; lastSegment: number; offset: number };
  segments: { id: string; position: number; elements: string[] }[];
}

export function toDocument(fileId: string, ic: Interchange, group: FunctionalGroup, tx: TransactionSet): TranslatedDocument {
  const last = tx.segments[tx.segments.length - 1];
  return {
    transactionSet: tx.setId,
    controlNumber: tx.controlNumber,
    implementationGuide: tx.implementationRef,
    interchange: interchangeContext(ic),
    group: groupContext(group),
    source: { fileId, firstSegment: tx.st.position, lastSegment: last.position, offset: tx.st.offset },
    segments: tx.segments.map((s) => ({ id: s.id, position: s.position, elements: s.elements.slice(1) })),
  };
}
