import { endpointQueue, groupOf, jobHeaders, readJob, transactionSetOf } from '../../src/domain/job';
import { deadLetterKey, matchesFilter, summarize, type DeadLetter } from '../../src/domain/dead-letter';

const now = new Date('2026-11-23T12:00:00.000Z');

describe('delivery jobs and dead-letter records', () => {
  it('when job headers are written and read back, then attempt, age, replays and group survive', () => {
    const h = jobHeaders('abc', { subscriptionId: 'erp', attempt: 3, firstAttemptAt: new Date('2026-11-23T11:00:00Z'), replays: 1, groupId: 'g1' });
    expect(h).toMatchObject({ 'idempotency-key': 'abc', 'x-notifier-attempt': '3', 'x-notifier-replays': '1', JMSXGroupID: 'g1', 'x-group': 'g1' });
    // STOMP does not hand JMSXGroupID back: x-group alone is enough.
    const { JMSXGroupID: _g, ...overStomp } = h;
    expect(readJob(overStomp, 'erp', now)).toEqual({ subscriptionId: 'erp', attempt: 3, firstAttemptAt: new Date('2026-11-23T11:00:00Z'), replays: 1, groupId: 'g1' });
    expect(endpointQueue('erp')).toBe('/queue/edi.notifier.endpoint.erp');
  });

  it('when headers are missing or malformed, then the job counts as a first attempt starting now', () => {
    expect(readJob({ 'x-notifier-attempt': 'x', 'x-notifier-first-attempt-at': 'soon' }, 'erp', now)).toEqual({ subscriptionId: 'erp', attempt: 1, firstAttemptAt: now, replays: 0, groupId: undefined });
    expect(groupOf({ JMSXGroupID: '' })).toBeUndefined();
  });

  it('when the transaction set is looked up, then the header wins over body fields', () => {
    expect(transactionSetOf({ 'x-transaction-set': '835' }, { transactionSet: '837' })).toBe('835');
    expect(transactionSetOf({}, { transactionSet: '837' })).toBe('837');
    expect(transactionSetOf({}, { transactionSetIdentifierCode: '270' })).toBe('270');
    expect(transactionSetOf({}, 'text')).toBeUndefined();
  });

  it('when dead letters are keyed and filtered, then keys hold only ids and filters combine', () => {
    expect(deadLetterKey('m1', 'erp')).toBe('deadletters/notifier/m1/erp.json');
    expect(deadLetterKey('m1', 'erp', 2)).toBe('deadletters/notifier/m1/erp~2.json');
    const d: DeadLetter = {
      version: 1, messageId: 'm1', subscriptionId: 'erp', partnerId: 'p1', fileId: 'f1', code: 'HTTP_400', reason: 'r', attempts: 1,
      firstAttemptAt: '2026-11-23T11:00:00.000Z', deadLetteredAt: '2026-11-23T11:30:00.000Z', replays: 0, envelope: '{"body":"phi"}',
    };
    expect(matchesFilter(d, { subscriptionId: 'erp', code: 'HTTP_400' })).toBe(true);
    expect(matchesFilter(d, { subscriptionId: 'erp', code: 'HTTP_500' })).toBe(false);
    expect(matchesFilter(d, { since: '2026-11-23T11:30:00Z', until: '2026-11-23T12:00:00Z' })).toBe(true);
    expect(matchesFilter(d, { until: '2026-11-23T11:30:00Z' })).toBe(false);
    expect(matchesFilter(d, { messageIds: ['m2'] })).toBe(false);
    expect(summarize(d)).not.toHaveProperty('envelope');
  });
});
