import { trackingLookups } from '../../src/jobs/tracking';

jest.setTimeout(120_000);

describe('bench: tracking lookups', () => {
  it('when a small seed is looked up through the API, then the job reports percentiles for claims and files', async () => {
    const r = await trackingLookups({ claims: 2000, lookups: 40 });
    expect(r.claims).toBe(2000);
    for (const key of ['claimP50Ms', 'claimP99Ms', 'filesP50Ms', 'filesP99Ms'] as const) {
      expect(r[key]).toBeGreaterThan(0);
      expect(r[key]).toBeLessThan(5000);
    }
    expect(r.claimP99Ms).toBeGreaterThanOrEqual(r.claimP50Ms);
  });
});
