/** POST /v1/files on loopback: authenticated submission that ingest then takes like any upload. */
import { createHash } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import { silentLogger } from '@ediflow/logger';
import { parseRegistry, staticRegistry } from '@ediflow/partners';
import { createSubmissionRouter } from '@ediflow/ingest';
import { waitFor } from '@ediflow/testkit';
import { harness, makeParties, registryInput, seal, x12, type Harness, type Parties } from '../helpers';

jest.setTimeout(30_000);

const TOKEN = 'tok_acme_0123456789abcdefghijklmnop';
const PLAIN_TOKEN = 'tok_plain_0123456789abcdefghijklmnop';
const hash = (t: string) => createHash('sha256').update(t).digest('hex');

describe('POST /v1/files', () => {
  let p: Parties;
  let h: Harness;
  let server: Server;
  let url: string;

  beforeAll(async () => {
    p = await makeParties();
    const doc = registryInput(p, { httpTokenSha256: [hash(TOKEN)] });
    doc.partners.push({ id: 'plain', name: 'Plain', isaSenders: [{ qualifier: 'ZZ', id: 'PLAIN' }], requireSignature: false, allowPlaintext: true, httpTokenSha256: [hash(PLAIN_TOKEN)] });
    h = await harness(p, doc, { maxFileBytes: 64 * 1024 });
    const service = h.service({ pollIntervalMs: 60_000 });
    await service.start();
    const app = express();
    app.use(
      createSubmissionRouter({ store: h.store, partners: staticRegistry(parseRegistry(doc)), logger: silentLogger(), bucket: h.bucket, maxFileBytes: 64 * 1024, onUpload: () => service.trigger() }),
    );
    server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/files`;
  });
  afterAll(async () => {
    await new Promise((r) => server?.close(r));
    await h?.close();
  });

  const post = (body: Buffer, token?: string) =>
    fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/octet-stream', ...(token ? { authorization: `Bearer ${token}` } : {}) } });

  async function inboundKeys(): Promise<string[]> {
    const keys: string[] = [];
    for await (const o of h.store.list('inbound/')) keys.push(o.key);
    return keys;
  }

  it('when a partner posts a signed PGP file with its token, then it gets 202 with the file id that FileReceived carries', async () => {
    const res = await post(await seal(x12(), p.platform, p.partner), TOKEN);
    expect(res.status).toBe(202);
    const { fileId } = (await res.json()) as { fileId: string };
    expect(fileId).toMatch(/^[0-9a-f]{64}$/);
    const message = await waitFor('FileReceived', async () => h.received.find((m) => m.fileId === fileId), 10_000);
    expect(message).toMatchObject({ id: fileId, partnerId: 'acme', body: { channel: 'http' } });
  });

  it('when a partner allowed plaintext posts X12, then it is accepted; when another posts X12, then 415 and nothing is stored', async () => {
    const ok = await post(x12('PLAIN'), PLAIN_TOKEN);
    expect(ok.status).toBe(202);
    const { fileId } = (await ok.json()) as { fileId: string };
    await waitFor('FileReceived', async () => h.received.find((m) => m.fileId === fileId), 10_000);
    // Ingest removes the upload after it published FileReceived: wait for that, or it can vanish between the two listings.
    await waitFor('the accepted upload to leave inbound/', async () => ((await inboundKeys()).some((k) => k.startsWith('inbound/plain/')) ? undefined : true), 10_000);
    const before = await inboundKeys();
    const refused = await post(x12(), TOKEN);
    expect(refused.status).toBe(415);
    expect(await refused.json()).toEqual({ code: 'NOT_PGP', message: 'body is not an OpenPGP message' });
    expect(await inboundKeys()).toEqual(before);
  });

  it('when the token is missing or wrong, then 401 and nothing is stored', async () => {
    const before = await inboundKeys();
    const body = await seal(x12(), p.platform, p.partner);
    const none = await post(body);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer');
    expect((await post(body, 'tok_wrong_0123456789abcdefghijklmnop')).status).toBe(401);
    expect(await inboundKeys()).toEqual(before);
  });

  it('when the body is over the size limit, then 413 and nothing is stored', async () => {
    const before = await inboundKeys();
    const res = await post(await seal(x12('ACME', 'EDIFLOW', 2 * 1024 * 1024), p.platform, p.partner), TOKEN);
    expect(res.status).toBe(413);
    expect(await inboundKeys()).toEqual(before);
  });

  it('when an oversized body is streamed without a length (chunked), then it is cut off with 413 and nothing is stored', async () => {
    const before = await inboundKeys();
    const big = await seal(x12('ACME', 'EDIFLOW', 2 * 1024 * 1024), p.platform, p.partner);
    let offset = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (offset >= big.length) return controller.close();
        controller.enqueue(big.subarray(offset, offset + 64 * 1024));
        offset += 64 * 1024;
      },
    });
    // duplex: 'half' is what Node's fetch needs for a stream body (not in the DOM RequestInit type).
    const init = { method: 'POST', body, duplex: 'half', headers: { authorization: `Bearer ${TOKEN}` } } as RequestInit;
    const res = await fetch(url, init);
    expect(res.status).toBe(413);
    expect(await inboundKeys()).toEqual(before);
  });
});
