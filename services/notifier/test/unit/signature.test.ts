import { signWebhook, verifyWebhook } from '@ediflow/notifier';

// Vector computed independently with `openssl dgst -sha256 -mac HMAC` over the
// Standard Webhooks example (secret, id, timestamp and body below).
const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const ID = 'msg_p5jXN8AQM9LWM0D4loKWxJek';
const TS = 1614265330;
const BODY = '{"test": 2432232314}';
const EXPECTED = 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=';
const at = (seconds: number) => new Date(seconds * 1000);

describe('Standard Webhooks signatures', () => {
  it('when signing the reference example, then the signature equals the independently computed value', () => {
    const headers = signWebhook({ id: ID, body: BODY, secrets: [SECRET], now: at(TS) });
    expect(headers).toEqual({ 'webhook-id': ID, 'webhook-timestamp': String(TS), 'webhook-signature': EXPECTED });
  });

  it('when two secrets are active, then two space-separated signatures are sent and either secret verifies', () => {
    const other = `whsec_${Buffer.from('another-secret-of-32-bytes-long!').toString('base64')}`;
    const headers = signWebhook({ id: ID, body: BODY, secrets: [other, SECRET], now: at(TS) });
    const parts = headers['webhook-signature'].split(' ');
    expect(parts).toHaveLength(2);
    expect(parts[1]).toBe(EXPECTED);
    expect(verifyWebhook({ headers, body: BODY, secrets: [SECRET], now: at(TS) })).toEqual({ ok: true, id: ID, timestamp: TS });
    expect(verifyWebhook({ headers, body: BODY, secrets: [other], now: at(TS) }).ok).toBe(true);
  });

  it('when the body is tampered with, then verification fails with no_matching_signature', () => {
    const headers = signWebhook({ id: ID, body: BODY, secrets: [SECRET], now: at(TS) });
    expect(verifyWebhook({ headers, body: '{"test": 2432232315}', secrets: [SECRET], now: at(TS) })).toEqual({ ok: false, reason: 'no_matching_signature' });
  });

  it('when the id is changed, then verification fails', () => {
    const headers = { ...signWebhook({ id: ID, body: BODY, secrets: [SECRET], now: at(TS) }), 'webhook-id': 'msg_other' };
    expect(verifyWebhook({ headers, body: BODY, secrets: [SECRET], now: at(TS) }).ok).toBe(false);
  });

  it('when the timestamp is older than the tolerance, then verification fails; within it, it passes', () => {
    const headers = signWebhook({ id: ID, body: BODY, secrets: [SECRET], now: at(TS) });
    expect(verifyWebhook({ headers, body: BODY, secrets: [SECRET], now: at(TS + 301) })).toEqual({ ok: false, reason: 'timestamp_out_of_tolerance' });
    expect(verifyWebhook({ headers, body: BODY, secrets: [SECRET], now: at(TS - 301) })).toEqual({ ok: false, reason: 'timestamp_out_of_tolerance' });
    expect(verifyWebhook({ headers, body: BODY, secrets: [SECRET], now: at(TS + 299) }).ok).toBe(true);
    expect(verifyWebhook({ headers, body: BODY, secrets: [SECRET], now: at(TS + 20), toleranceSeconds: 10 }).ok).toBe(false);
  });

  it('when a header is missing or the timestamp is not a number, then verification fails with a reason', () => {
    const headers = signWebhook({ id: ID, body: BODY, secrets: [SECRET], now: at(TS) });
    const { 'webhook-signature': _s, ...noSig } = headers;
    expect(verifyWebhook({ headers: noSig, body: BODY, secrets: [SECRET], now: at(TS) })).toEqual({ ok: false, reason: 'missing_header' });
    expect(verifyWebhook({ headers: { ...headers, 'webhook-timestamp': '16142x' }, body: BODY, secrets: [SECRET], now: at(TS) })).toEqual({ ok: false, reason: 'invalid_timestamp' });
  });

  it('when header names arrive in another case (as from some frameworks), then verification still passes', () => {
    const headers = signWebhook({ id: ID, body: Buffer.from(BODY), secrets: [SECRET], now: at(TS) });
    const upper = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toUpperCase(), [v]]));
    expect(verifyWebhook({ headers: upper, body: Buffer.from(BODY), secrets: [SECRET], now: at(TS) }).ok).toBe(true);
  });

  it('when the secret is wrong, then verification fails', () => {
    const headers = signWebhook({ id: ID, body: BODY, secrets: [SECRET], now: at(TS) });
    const wrong = `whsec_${Buffer.from('not-the-secret').toString('base64')}`;
    expect(verifyWebhook({ headers, body: BODY, secrets: [wrong], now: at(TS) }).ok).toBe(false);
  });
});
