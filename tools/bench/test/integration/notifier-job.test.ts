import { notifierCallbacks } from '@ediflow/bench';

jest.setTimeout(60_000);

describe('the notifier bench job (real notifier, local HTTP sinks on 127.0.0.1)', () => {
  it('when run with one endpoint, then every callback is received once and the latencies are ordered', async () => {
    const r = await notifierCallbacks({ count: 200 });
    expect(r.count).toBe(200);
    expect(r.perSecond).toBeGreaterThan(0);
    expect(r.envelopeBytes).toBeGreaterThan(900);
    expect(r.envelopeBytes).toBeLessThan(1200);
    expect(r.p50Ms).toBeGreaterThan(0);
    expect(r.p99Ms).toBeGreaterThanOrEqual(r.p50Ms);
    expect(r.slowReceived).toBe(0);
  });

  it('when a second endpoint answers slowly, then the healthy one still gets every callback and the slow one is being served', async () => {
    const r = await notifierCallbacks({ count: 200, slowEndpoint: true, slowDelayMs: 300 });
    expect(r.count).toBe(200);
    expect(r.slowReceived).toBeGreaterThan(0);
  });
});
