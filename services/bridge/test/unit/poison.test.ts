import { BUS_BROKER_ERROR } from '@ediflow/bus';
import { BRIDGE_TARGET_DROPPED, SUSPECT_AFTER_DROPS, decidePublishFailure, deadLetterHeaders, sendAlone } from '@ediflow/bridge';
import { InvalidInputError, UnavailableError } from '@ediflow/errors';

describe('decidePublishFailure', () => {
  const fresh = { rejections: 0, drops: 0 };

  it('when the target is unreachable, then the bridge waits without counting an attempt', () => {
    expect(decidePublishFailure(new UnavailableError('BUS_DISCONNECTED', 'x'), { rejections: 4, drops: 0 }, 5)).toEqual({
      kind: 'wait',
      code: 'BUS_DISCONNECTED',
      state: { rejections: 4, drops: 0 },
    });
    expect(decidePublishFailure(new UnavailableError('BUS_PUBLISH_TIMEOUT', 'x'), fresh, 1, { connected: true, alone: true }).kind).toBe('wait');
  });

  it('when the target refuses, then attempts are counted, the message goes alone, and the last one dead-letters', () => {
    const refused = new UnavailableError(BUS_BROKER_ERROR, 'the broker answered with an ERROR frame');
    const first = decidePublishFailure(refused, fresh, 3);
    expect(first).toEqual({ kind: 'retry', code: BUS_BROKER_ERROR, state: { rejections: 1, drops: 0 } });
    expect(sendAlone(first.kind === 'retry' ? first.state : fresh)).toBe(true);
    expect(decidePublishFailure(refused, { rejections: 1, drops: 0 }, 3)).toMatchObject({ kind: 'retry', state: { rejections: 2 } });
    expect(decidePublishFailure(refused, { rejections: 2, drops: 0 }, 3)).toMatchObject({ kind: 'dead-letter', attempts: 3, code: BUS_BROKER_ERROR });
  });

  it('when the connection drops during sends on a live connection, then the message becomes suspect, and drops while alone count as attempts', () => {
    const drop = new UnavailableError('BUS_DISCONNECTED', 'lost');
    const once = decidePublishFailure(drop, fresh, 2, { connected: true, alone: false });
    expect(once).toEqual({ kind: 'wait', code: 'BUS_DISCONNECTED', state: { rejections: 0, drops: 1 } });
    expect(sendAlone({ rejections: 0, drops: SUSPECT_AFTER_DROPS - 1 })).toBe(false);
    expect(sendAlone({ rejections: 0, drops: SUSPECT_AFTER_DROPS })).toBe(true);
    expect(decidePublishFailure(drop, { rejections: 0, drops: 2 }, 2, { connected: true, alone: true })).toMatchObject({
      kind: 'retry',
      code: BRIDGE_TARGET_DROPPED,
      state: { rejections: 1 },
    });
    expect(decidePublishFailure(drop, { rejections: 1, drops: 2 }, 2, { connected: true, alone: true })).toMatchObject({
      kind: 'dead-letter',
      code: BRIDGE_TARGET_DROPPED,
      attempts: 2,
    });
    // Sent alone but the target was already down: waited out.
    expect(decidePublishFailure(drop, { rejections: 1, drops: 2 }, 2, { connected: false, alone: true }).kind).toBe('wait');
  });

  it('when the error is not retryable, then it counts as a refusal', () => {
    expect(decidePublishFailure(new InvalidInputError('BUS_TEXT_HAS_NUL', 'x'), fresh, 1)).toMatchObject({ kind: 'dead-letter', attempts: 1 });
  });
});

describe('deadLetterHeaders', () => {
  it('when a message is dead-lettered, then its application headers stay and reason, code, attempts and places are added', () => {
    const headers = deadLetterHeaders({
      sourceHeaders: { 'message-id': 'ID:1', subscription: '3', 'correlation-id': 'c', JMSXGroupID: 'g' },
      sourceDestination: '/queue/IN',
      targetDestination: '/queue/OUT',
      route: 'r',
      idempotencyKey: 'k',
      code: 'BRIDGE_TOO_LARGE',
      reason: 'too big',
      attempts: 1,
    });
    expect(headers).toEqual({
      'correlation-id': 'c',
      JMSXGroupID: 'g',
      'idempotency-key': 'k',
      'x-dead-letter-code': 'BRIDGE_TOO_LARGE',
      'x-dead-letter-reason': 'too big',
      'x-attempt': '1',
      'x-original-destination': '/queue/IN',
      'x-bridge-target-destination': '/queue/OUT',
      'x-bridge-route': 'r',
    });
  });
});
