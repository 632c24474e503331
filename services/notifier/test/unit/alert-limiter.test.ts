import { rateLimitedAlerts } from '../../src/domain/alert-limiter';
import { fromSubjectAlertSink, type Alert } from '@ediflow/notifier';

describe('alert rate limit', () => {
  it('when alerts for one endpoint come faster than the window, then one is sent and the next carries the count held back', async () => {
    let t = 0;
    const sent: Alert[] = [];
    const limited = rateLimitedAlerts({ send: async (a) => void sent.push(a) }, { windowMs: 1000, clock: () => new Date(t) });
    const alert: Alert = { kind: 'dead-letter', subscriptionId: 'erp', partnerId: 'p1', code: 'HTTP_400' };
    await limited.send(alert);
    await limited.send(alert);
    await limited.send(alert);
    await limited.send({ ...alert, kind: 'circuit-open' });
    await limited.send({ ...alert, subscriptionId: 'other' });
    t = 1000;
    await limited.send(alert);
    expect(sent.map((a) => `${a.kind}:${a.subscriptionId}:${a.suppressed ?? 0}`)).toEqual(['dead-letter:erp:0', 'circuit-open:erp:0', 'dead-letter:other:0', 'dead-letter:erp:2']);
  });

  it('when the sink fails, then the error is reported and not thrown', async () => {
    const errors: unknown[] = [];
    const limited = rateLimitedAlerts({ send: async () => Promise.reject(new Error('sns down')) }, { windowMs: 0, clock: () => new Date(), onError: (e) => errors.push(e) });
    await expect(limited.send({ kind: 'circuit-open', subscriptionId: 'x', partnerId: 'p', code: 'TIMEOUT' })).resolves.toBeUndefined();
    expect(errors).toHaveLength(1);
  });

  it('when the platform subject+details sink is used, then the alert arrives as a subject and PHI-free details', async () => {
    const got: [string, Record<string, string | number>][] = [];
    const sink = fromSubjectAlertSink({ alert: async (subject, details) => void got.push([subject, details]) });
    await sink.send({ kind: 'dead-letter', subscriptionId: 'erp', partnerId: 'p1', code: 'HTTP_400', messageId: 'm1', suppressed: 3 });
    expect(got).toEqual([
      ['ediflow notifier: dead letter for endpoint erp', { source: 'notifier', kind: 'dead-letter', subscriptionId: 'erp', partnerId: 'p1', code: 'HTTP_400', messageId: 'm1', suppressed: 3 }],
    ]);
  });
});
