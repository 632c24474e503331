import { MemoryBus } from '@ediflow/bus';
import { EmbeddedObjectStore } from '@ediflow/store';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { JsonText, contentDigestOf, decodeEnvelope, fileIdFor, publishEnvelope, resolveBody, transactionIdFor, type Envelope } from '@ediflow/messages';

const key = { partnerId: 'acme', interchangeControlNumber: '000000905', groupControlNumber: '1', transactionControlNumber: '0001', transactionIndex: 1, contentDigest: contentDigestOf(Buffer.from('ST*837*0001~SE*2*0001~')) };

describe('message ids', () => {
  it('when the same data comes again, then the id is the same; any part changing changes it', () => {
    expect(fileIdFor('b', 'inbound/acme/x', '"abc"')).toBe(fileIdFor('b', 'inbound/acme/x', 'abc'));
    expect(fileIdFor('b', 'inbound/acme/x', 'abc')).not.toBe(fileIdFor('b', 'inbound/acme/y', 'abc'));
    expect(transactionIdFor(key)).toBe(transactionIdFor({ ...key }));
    expect(transactionIdFor(key)).toMatch(/^[0-9a-f]{64}$/);
    expect(transactionIdFor({ ...key, transactionIndex: 2 })).not.toBe(transactionIdFor(key));
    expect(transactionIdFor({ ...key, claimId: 'C1' })).not.toBe(transactionIdFor(key));
    // Control numbers reused for other content (partners do): another id.
    expect(transactionIdFor({ ...key, contentDigest: contentDigestOf(Buffer.from('ST*837*0001~BHT*1~SE*3*0001~')) })).not.toBe(transactionIdFor(key));
    expect(() => transactionIdFor({ ...key, contentDigest: 'abc' })).toThrow(RangeError);
    // Parts are separated, so shifting characters between parts gives another id.
    expect(transactionIdFor({ ...key, partnerId: 'acme0', interchangeControlNumber: '00000905' })).not.toBe(transactionIdFor(key));
  });
});

describe('envelopes', () => {
  const base: Envelope = { type: 'T', version: 1, id: 'i', fileId: 'f', partnerId: 'acme', occurredAt: '2024-01-01T00:00:00.000Z', body: { a: 1 } };

  it('when a frame is not a valid envelope, then the error names the fields, not the values', () => {
    expect(() => decodeEnvelope('{not json')).toThrow(expect.objectContaining({ code: 'MESSAGE_NOT_JSON' }));
    expect(() => decodeEnvelope(JSON.stringify({ ...base, partnerId: '', occurredAt: 'SMITH' }))).toThrow(/partnerId, occurredAt/);
    expect(() => decodeEnvelope(JSON.stringify({ ...base, bodyRef: 'x' }))).toThrow(expect.objectContaining({ code: 'MESSAGE_INVALID' }));
  });

  it('when a body is over the inline limit, then it goes to the store and the frame carries bodyRef; resolveBody reads it back', async () => {
    const bus = new MemoryBus();
    await bus.connect();
    const store = new EmbeddedObjectStore({ root: await mkdtemp(path.join(os.tmpdir(), 'msg-')) });
    const frames: Buffer[] = [];
    const headers: Record<string, string>[] = [];
    await bus.subscribe('/queue/t', async (m) => {
      frames.push(m.body);
      headers.push(m.headers);
    });
    const big = { ...base, id: 'big', body: { text: 'x'.repeat(5000) } };
    await publishEnvelope({ bus, store, inlineLimitBytes: 1024 }, '/queue/t', big);
    await publishEnvelope({ bus, store, inlineLimitBytes: 1024 }, '/queue/t', base);
    await bus.drain(1000);
    const [first, second] = frames.map((f) => decodeEnvelope(f));
    expect(first.body).toBeUndefined();
    expect(first.bodyRef).toBe('messages/big.json');
    expect(await resolveBody(store, first)).toEqual(big.body);
    expect(second.body).toEqual(base.body);
    expect(headers.map((h) => h['idempotency-key'])).toEqual(['big', 'i']);
    await bus.close();
  });

  /** Publishes `small` and `large` as JSON bodies made by `encode`, and checks one is inlined, the other claim-checked. */
  async function inlinedAndClaimChecked(encode: (json: string) => string | Buffer, inlineLimitBytes: number, small: object, large: object): Promise<void> {
    const bus = new MemoryBus();
    await bus.connect();
    const store = new EmbeddedObjectStore({ root: await mkdtemp(path.join(os.tmpdir(), 'msg-')) });
    const frames: Buffer[] = [];
    await bus.subscribe('/queue/t', async (m) => {
      frames.push(m.body);
    });
    await publishEnvelope({ bus, store, inlineLimitBytes }, '/queue/t', { ...base, id: 'small', body: new JsonText(encode(JSON.stringify(small))) });
    await publishEnvelope({ bus, store, inlineLimitBytes }, '/queue/t', { ...base, id: 'large', body: new JsonText(encode(JSON.stringify(large))) });
    await bus.drain(1000);
    const [first, second] = frames.map((f) => decodeEnvelope(f));
    expect(frames[0].toString('utf8')).toContain(`"body":${JSON.stringify(small)}}`);
    expect(first.body).toEqual(small);
    expect(second.bodyRef).toBe('messages/large.json');
    expect(await resolveBody(store, second)).toEqual(large);
    await bus.close();
  }

  it('when the body is JSON text already, then it is published as it is, inline or claim-checked, and reads back as the same value', async () => {
    await inlinedAndClaimChecked((json) => json, 1024, { claim: { amount: '10.50' }, lines: [1, 2] }, { text: 'y'.repeat(5000) });
  });

  it('when the body is JSON as UTF-8 bytes, then it is measured in bytes, stored as they are when over the limit, and inlined as text when not', async () => {
    // 400 chars but 800 bytes: over a limit of 600 only when counted in bytes
    await inlinedAndClaimChecked((json) => Buffer.from(json, 'utf8'), 600, { name: 'M\u00dcLLER', lines: [1] }, { text: '\u00dc'.repeat(400) });
  });
});
