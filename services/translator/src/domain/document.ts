import type { FunctionalGroup, Interchange, TransactionSet } from '@ediflow/x12';

/**
 * The JSON document published for one transaction set: its envelope context and its
 * segments. (Loop-aware semantic JSON per implementation guide replaces `segments`
 * for the guides the translator knows; the envelope part stays.)
 */
export interface TranslatedDocument {
  transactionSet: string;
  controlNumber: string;
  implementationGuide: string;
  interchange: {
    senderQualifier: string;
    senderId: string;
    receiverQualifier: string;
    receiverId: string;
    controlNumber: string;
    date: string;
    time: string;
    usage: string;
  };
  group: { functionalId: string; controlNumber: string; version: string; senderCode: string; receiverCode: string };
  /** Segment numbers (ST = 1) of the first and last segment, pointing back into the source. */
  source: { fileId: string; firstSegment: number; lastSegment: number; offset: number };
  segments: { id: string; position: number; elements: string[] }[];
}

export function toDocument(fileId: string, ic: Interchange, group: FunctionalGroup, tx: TransactionSet): TranslatedDocument {
  const h = ic.header;
  const last = tx.segments[tx.segments.length - 1];
  return {
    transactionSet: tx.setId,
    controlNumber: tx.controlNumber,
    implementationGuide: tx.implementationRef,
    interchange: {
      senderQualifier: h.senderQualifier,
      senderId: h.senderId,
      receiverQualifier: h.receiverQualifier,
      receiverId: h.receiverId,
      controlNumber: h.controlNumber,
      date: h.date,
      time: h.time,
      usage: h.usage,
    },
    group: {
      functionalId: group.functionalId,
      controlNumber: group.controlNumber,
      version: group.version,
      senderCode: group.gs.element(2),
      receiverCode: group.gs.element(3),
    },
    source: { fileId, firstSegment: tx.st.position, lastSegment: last.position, offset: tx.st.offset },
    segments: tx.segments.map((s) => ({ id: s.id, position: s.position, elements: s.elements.slice(1) })),
  };
}
