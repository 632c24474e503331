import { createHash } from 'node:crypto';
import type { ReceivedMessage } from '@ediflow/bus';
import { idempotencyKeyOf, parseRoutes, planForward, type RouteConfig } from '@ediflow/bridge';

function route(extra: Record<string, unknown> = {}): RouteConfig {
  return parseRoutes({
    endpoints: { a: { urls: ['stomp://a:61613'] }, b: { urls: ['stomp://b:61613'] } },
    routes: [{ name: 'r', from: { endpoint: 'a', destination: '/queue/IN' }, to: { endpoint: 'b', destination: '/queue/OUT' }, ...extra }],
  }).routes[0];
}

function message(headers: Record<string, string>, body: Buffer | string = 'hello', binary = false): ReceivedMessage {
  return { destination: '/queue/IN', body: Buffer.isBuffer(body) ? body : Buffer.from(body), headers, attempt: 1, redelivered: false, binary };
}

const transport = { destination: '/queue/IN', 'message-id': 'ID:host-1:1:1:1:7', subscription: '1', ack: 'ID:x', redelivered: 'false', timestamp: '1700000000000', persistent: 'true', priority: '4' };

describe('planForward', () => {
  it('when the source has no idempotency-key, then the key is sha256 of broker id, destination and message-id', () => {
    const plan = planForward(route(), 'onprem-1', message({ ...transport }));
    const expected = createHash('sha256').update('onprem-1\n/queue/IN\nID:host-1:1:1:1:7').digest('hex');
    expect(plan).toMatchObject({ kind: 'send', idempotencyKey: expected });
    // The same message delivered again gets the same key; another broker id gives another key.
    expect(idempotencyKeyOf('onprem-1', message({ ...transport, redelivered: 'true' }))).toBe(expected);
    expect(idempotencyKeyOf('onprem-2', message({ ...transport }))).not.toBe(expected);
  });

  it('when the source carries an idempotency-key, then it is kept', () => {
    const plan = planForward(route(), 'b', message({ ...transport, 'idempotency-key': 'k-42' }));
    expect(plan.kind === 'send' && plan.headers['idempotency-key']).toBe('k-42');
  });

  it('when headers are mapped, then transport headers go, JMS headers pass, renames, drops, sets and reply-to mapping apply', () => {
    const r = route({
      order: 'group',
      headers: { drop: ['X-Secret-Trace'], rename: { BatchKey: 'JMSXGroupID' }, set: { 'x-origin': 'onprem' }, replyTo: { '/queue/REPLY': '/queue/cloud.reply' } },
    });
    const plan = planForward(r, 'a', message({ ...transport, 'correlation-id': 'c1', 'reply-to': '/queue/REPLY', BatchKey: 'B7', 'X-Secret-Trace': 't', 'content-type': 'text/xml' }));
    if (plan.kind !== 'send') throw new Error('expected send');
    expect(plan.headers).toEqual({
      priority: '4',
      'correlation-id': 'c1',
      'reply-to': '/queue/cloud.reply',
      JMSXGroupID: 'B7',
      'x-origin': 'onprem',
      'idempotency-key': plan.idempotencyKey,
      'x-bridge-route': 'r',
    });
    expect(plan.contentType).toBe('text/xml');
    expect(plan.lane).toBe('g:B7');
    expect(plan.destination).toBe('/queue/OUT');
  });

  it('when copy lists headers, then only those pass', () => {
    const plan = planForward(route({ headers: { copy: ['correlation-id'] } }), 'a', message({ ...transport, 'correlation-id': 'c', other: 'x' }));
    expect(plan.kind === 'send' && plan.headers).toEqual({ 'correlation-id': 'c', 'idempotency-key': expect.any(String), 'x-bridge-route': 'r' });
  });

  it('when the body is binary, then bytes and type pass unchanged', () => {
    const bytes = Buffer.from([0, 1, 2, 255, 0]);
    const plan = planForward(route(), 'a', message({ ...transport }, bytes, true));
    expect(plan).toMatchObject({ kind: 'send', binary: true, contentType: 'application/octet-stream' });
    expect(plan.kind === 'send' && plan.body.equals(bytes)).toBe(true);
  });

  it('when order is "all" (default), then every message shares one lane; ungrouped messages in "group" mode have none', () => {
    expect(planForward(route(), 'a', message({ ...transport, JMSXGroupID: 'g' }))).toMatchObject({ lane: '*' });
    expect(planForward(route({ order: 'group' }), 'a', message({ ...transport }))).toMatchObject({ lane: undefined });
  });

  it('when order is "group" with a group property, then the lane is that property and JMSXGroupID can be set from it', () => {
    const r = route({ order: 'group', groupHeader: 'x-group', headers: { rename: { 'x-group': 'JMSXGroupID' } } });
    const plan = planForward(r, 'a', message({ ...transport, 'x-group': 'G9' }));
    expect(plan).toMatchObject({ kind: 'send', lane: 'g:G9', headers: { JMSXGroupID: 'G9' } });
  });

  it.each([
    ['over size', route({ maxBodyBytes: 4 }), message({ ...transport }, 'hello'), 'BRIDGE_TOO_LARGE'],
    ['a required header is missing', route({ headers: { required: ['correlation-id'] } }), message({ ...transport }), 'BRIDGE_MISSING_HEADER'],
    ['reply-to has no mapping and the route rejects', route({ headers: { unmappedReplyTo: 'reject' } }), message({ ...transport, 'reply-to': '/queue/X' }), 'BRIDGE_UNMAPPED_REPLY_TO'],
    ['a text body has a NUL', route(), message({ ...transport }, Buffer.from([104, 0, 105])), 'BRIDGE_TEXT_HAS_NUL'],
  ])('when %s, then the message is poison', (_what, r, m, code) => {
    expect(planForward(r, 'a', m)).toMatchObject({ kind: 'poison', code });
  });

  it('when a message has no message-id (memory bus), then the key is a content hash', () => {
    const a = idempotencyKeyOf('x', message({ k: '1' }, 'body'));
    expect(idempotencyKeyOf('x', message({ k: '1' }, 'body'))).toBe(a);
    expect(idempotencyKeyOf('x', message({ k: '2' }, 'body'))).not.toBe(a);
  });
});
