import { createHash } from 'node:crypto';
import type { ReceivedMessage } from '@ediflow/bus';
import { idempotencyKeyOf, parseRoutes, planForward, type KeySource, type RouteConfig } from '@ediflow/bridge';

const activemq = (brokerId: string): KeySource => ({ brokerId, stableIdHeader: 'message-id' });
const rabbitmq = (brokerId: string): KeySource => ({ brokerId, stableIdHeader: 'amqp-message-id' });

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
    const plan = planForward(route(), activemq('onprem-1'), message({ ...transport }));
    const expected = createHash('sha256').update('onprem-1\n/queue/IN\nID:host-1:1:1:1:7').digest('hex');
    expect(plan).toMatchObject({ kind: 'send', idempotencyKey: expected });
    // The same message delivered again gets the same key; another broker id gives another key.
    expect(idempotencyKeyOf(activemq('onprem-1'), message({ ...transport, redelivered: 'true' }))).toBe(expected);
    expect(idempotencyKeyOf(activemq('onprem-2'), message({ ...transport }))).not.toBe(expected);
  });

  it('when the source carries an idempotency-key, then it is kept', () => {
    const plan = planForward(route(), activemq('b'), message({ ...transport, 'idempotency-key': 'k-42' }));
    expect(plan.kind === 'send' && plan.headers['idempotency-key']).toBe('k-42');
  });

  it('when headers are mapped, then transport headers go, JMS headers pass, renames, drops, sets and reply-to mapping apply', () => {
    const r = route({
      order: 'group',
      headers: { drop: ['X-Secret-Trace'], rename: { BatchKey: 'JMSXGroupID' }, set: { 'x-origin': 'onprem' }, replyTo: { '/queue/REPLY': '/queue/cloud.reply' } },
    });
    const plan = planForward(r, activemq('a'), message({ ...transport, 'correlation-id': 'c1', 'reply-to': '/queue/REPLY', BatchKey: 'B7', 'X-Secret-Trace': 't', 'content-type': 'text/xml' }));
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
    const plan = planForward(route({ headers: { copy: ['correlation-id'] } }), activemq('a'), message({ ...transport, 'correlation-id': 'c', other: 'x' }));
    expect(plan.kind === 'send' && plan.headers).toEqual({ 'correlation-id': 'c', 'idempotency-key': expect.any(String), 'x-bridge-route': 'r' });
  });

  it('when the body is binary, then bytes and type pass unchanged', () => {
    const bytes = Buffer.from([0, 1, 2, 255, 0]);
    const plan = planForward(route(), activemq('a'), message({ ...transport }, bytes, true));
    expect(plan).toMatchObject({ kind: 'send', binary: true, contentType: 'application/octet-stream' });
    expect(plan.kind === 'send' && plan.body.equals(bytes)).toBe(true);
  });

  it('when order is "group" (default), then the lane is JMSXGroupID, else x-group; ungrouped messages have none; "all" shares one lane', () => {
    expect(planForward(route(), activemq('a'), message({ ...transport, JMSXGroupID: 'g', 'x-group': 'other' }))).toMatchObject({ lane: 'g:g' });
    expect(planForward(route(), activemq('a'), message({ ...transport, 'x-group': 'G2' }))).toMatchObject({ lane: 'g:G2' });
    expect(planForward(route(), activemq('a'), message({ ...transport }))).toMatchObject({ lane: undefined });
    expect(planForward(route({ order: 'all' }), activemq('a'), message({ ...transport, JMSXGroupID: 'g' }))).toMatchObject({ lane: '*' });
    expect(planForward(route({ groupHeader: 'BatchKey' }), activemq('a'), message({ ...transport, 'x-group': 'G2' }))).toMatchObject({ lane: undefined });
  });

  it('when order is "group" with a group property, then the lane is that property and JMSXGroupID can be set from it', () => {
    const r = route({ order: 'group', groupHeader: 'x-group', headers: { rename: { 'x-group': 'JMSXGroupID' } } });
    const plan = planForward(r, activemq('a'), message({ ...transport, 'x-group': 'G9' }));
    expect(plan).toMatchObject({ kind: 'send', lane: 'g:G9', headers: { JMSXGroupID: 'G9' } });
  });

  it.each([
    ['over size', route({ maxBodyBytes: 4 }), message({ ...transport }, 'hello'), 'BRIDGE_TOO_LARGE'],
    ['a required header is missing', route({ headers: { required: ['correlation-id'] } }), message({ ...transport }), 'BRIDGE_MISSING_HEADER'],
    ['reply-to has no mapping and the route rejects', route({ headers: { unmappedReplyTo: 'reject' } }), message({ ...transport, 'reply-to': '/queue/X' }), 'BRIDGE_UNMAPPED_REPLY_TO'],
    ['a text body has a NUL', route(), message({ ...transport }, Buffer.from([104, 0, 105])), 'BRIDGE_TEXT_HAS_NUL'],
  ])('when %s, then the message is poison', (_what, r, m, code) => {
    expect(planForward(r, activemq('a'), m)).toMatchObject({ kind: 'poison', code });
  });

  it('when RabbitMQ redelivers a message, then its key stays the same although message-id, ack and redelivered change', () => {
    const first = { destination: '/queue/IN', 'message-id': 'T_1@@session-a@@1', ack: 'T_1@@session-a@@1', subscription: '1', redelivered: 'false', receipt: '3', persistent: 'true', 'content-type': 'text/plain', 'x-id': 'm1' };
    const again = { ...first, 'message-id': 'T_1@@session-b@@7', ack: 'T_1@@session-b@@7', redelivered: 'true' };
    const key = idempotencyKeyOf(rabbitmq('rmq'), message(first, 'body'));
    expect(idempotencyKeyOf(rabbitmq('rmq'), message(again, 'body'))).toBe(key);
    // Another body or another application header is another message.
    expect(idempotencyKeyOf(rabbitmq('rmq'), message(first, 'body 2'))).not.toBe(key);
    expect(idempotencyKeyOf(rabbitmq('rmq'), message({ ...first, 'x-id': 'm2' }, 'body'))).not.toBe(key);
    // The producer's AMQP message-id, kept on every delivery, names it when present.
    const withId = idempotencyKeyOf(rabbitmq('rmq'), message({ ...first, 'amqp-message-id': 'p-1' }, 'body'));
    expect(withId).toBe(createHash('sha256').update('rmq\n/queue/IN\np-1').digest('hex'));
  });

  it('when a message has no message-id (memory bus), then the key is a content hash', () => {
    const a = idempotencyKeyOf(activemq('x'), message({ k: '1' }, 'body'));
    expect(idempotencyKeyOf(activemq('x'), message({ k: '1' }, 'body'))).toBe(a);
    expect(idempotencyKeyOf(activemq('x'), message({ k: '2' }, 'body'))).not.toBe(a);
  });
});
