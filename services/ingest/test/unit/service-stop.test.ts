import { Readable } from 'node:stream';
import { Registry } from 'prom-client';
import { readAll } from '@ediflow/store';
import { fileIdFor } from '@ediflow/messages';
import type { Decryptor } from '@ediflow/ingest';
import { waitFor } from '@ediflow/testkit';
import { harness, makeParties, registryInput, seal, x12, type Harness } from '../helpers';

jest.setTimeout(30_000);

describe('ingest service stop', () => {
  let h: Harness;
  afterEach(() => h.close());

  it('when a file is still in progress at the stop deadline, then stop returns in time and the claim is released for another replica', async () => {
    const p = await makeParties();
    h = await harness(p, registryInput(p));
    let started = false;
    const plaintext = new Readable({ read() {} });
    let fail: (err: Error) => void = () => undefined;
    // A decryptor whose plaintext does not end until the test says so: a file that takes longer than the stop window.
    const stuck: Decryptor = {
      looksLikePgp: () => true,
      async decrypt(cipher) {
        started = true;
        cipher.resume();
        return { plaintext, done: new Promise((_resolve, reject) => (fail = reject)) };
      },
    };
    const service = h.service({ decryptor: stuck, stopTimeoutMs: 300, owner: 'slow', registry: new Registry() });
    const key = 'inbound/acme/slow.pgp';
    const { etag } = await h.store.put(key, await seal(x12(), p.platform, p.partner));
    const fileId = fileIdFor(h.bucket, key, etag);
    await service.start();
    await waitFor('processing started', async () => (started ? true : undefined));

    const t = Date.now();
    await service.stop();
    expect(Date.now() - t).toBeLessThan(2000);
    const lease = JSON.parse((await readAll((await h.store.get(`claims/${fileId}/0000000000`)).body)).toString('utf8')) as { state: string; owner: string };
    expect(lease).toMatchObject({ state: 'released', owner: 'slow' });
    expect(h.received).toEqual([]);

    // The slow replica's work ends (its process would have exited); nothing of it was published.
    const aborted = new Error('process exited');
    fail(aborted);
    plaintext.destroy(aborted);

    // Another replica takes it over at once (no lease wait) and publishes it.
    const other = h.service({ owner: 'fast', registry: new Registry(), claimLeaseMs: 600_000 });
    await other.start();
    await waitFor('FileReceived', async () => h.received[0], 10_000);
    expect(h.received.map((m) => m.id)).toEqual([fileId]);
  });
});
