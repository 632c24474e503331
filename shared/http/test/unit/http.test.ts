import type { AddressInfo } from 'node:net';
import { Counter } from 'prom-client';
import { InvalidInputError } from '@ediflow/errors';
import { silentLogger } from '@ediflow/logger';
import { createHttpApp } from '@ediflow/http';

describe('createHttpApp', () => {
  it('when a dependency is not connected, then /readyz answers 503 until it is, and /metrics exposes service metrics', async () => {
    let brokerUp = false;
    const http = createHttpApp({ logger: silentLogger(), readiness: { broker: () => brokerUp, store: async () => true }, defaultMetrics: false });
    const counter = new Counter({ name: 'files_total', help: 'files', registers: [http.registry] });
    counter.inc(3);
    http.app.get('/boom', () => {
      throw new InvalidInputError('BAD_THING', 'segment 3 is bad');
    });
    http.finish();
    const server = await http.listen(0);
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const health = await fetch(`${base}/healthz`);
      expect(health.status).toBe(200);
      expect(await health.json()).toEqual({ status: 'ok', version: '0.1.0' });
      const notReady = await fetch(`${base}/readyz`);
      expect(notReady.status).toBe(503);
      expect(await notReady.json()).toEqual({ status: 'not-ready', checks: { broker: false, store: true } });
      brokerUp = true;
      expect((await fetch(`${base}/readyz`)).status).toBe(200);
      expect(await (await fetch(`${base}/metrics`)).text()).toContain('files_total 3');
      const boom = await fetch(`${base}/boom`);
      expect(boom.status).toBe(400);
      expect(await boom.json()).toEqual({ error: { code: 'BAD_THING', message: 'segment 3 is bad' } });
      expect((await fetch(`${base}/nope`)).status).toBe(404);
    } finally {
      await http.close();
    }
  });
});
