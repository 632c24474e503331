/**
 * A translation thread of documentsForEach: documentsFor for each set it is sent, the documents'
 * memory moved back to the caller. The envelope objects arrive as plain objects: their segments
 * get their methods back.
 */
import { parentPort } from 'node:worker_threads';
import { Segment, TransactionSet } from '@ediflow/x12';
import { documentsFor } from './facade';
import type { SetReply, SetRequest } from './set-wire';

const segment = (s: Segment | undefined): void => {
  if (s !== undefined) Object.setPrototypeOf(s, Segment.prototype);
};

/** The blocks behind the documents, each once: big ones move; a small one (from Node's shared pool) is copied. */
function movable(bytes: readonly Uint8Array[]): ArrayBuffer[] {
  const out = new Set<ArrayBuffer>();
  for (const b of bytes) if (b.buffer instanceof ArrayBuffer && b.buffer.byteLength >= 64 * 1024 && b.byteLength > 0) out.add(b.buffer);
  return [...out];
}

parentPort?.on('message', (req: SetRequest) => {
  let reply: SetReply;
  let transfer: ArrayBuffer[] = [];
  try {
    segment(req.interchange.isa);
    segment(req.interchange.iea);
    segment(req.group.gs);
    segment(req.group.ge);
    // the bytes arrive as a Uint8Array over the memory that moved: a Buffer over the same memory
    const b = req.init.bytes as Uint8Array;
    const tx = new TransactionSet({ ...req.init, bytes: Buffer.from(b.buffer, b.byteOffset, b.byteLength) });
    const ctx = { interchange: req.interchange, group: req.group, transactionIndex: req.transactionIndex, ...(req.fileId === undefined ? {} : { fileId: req.fileId }) };
    const set = documentsFor(tx, ctx, req.options);
    transfer = movable([...set.documents.map((d) => d.bytes), ...(set.lines ?? [])]);
    reply = { id: req.id, set };
  } catch (err) {
    const e = err as Error & { code?: unknown };
    reply = { id: req.id, error: { message: e.message, ...(typeof e.code === 'string' ? { code: e.code } : {}) } };
  }
  parentPort?.postMessage(reply, transfer);
});
