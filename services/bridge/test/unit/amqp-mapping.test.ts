import { message as rheaMessage } from 'rhea';
import { amqpAddress, fromAmqpMessage, parseAmqpUrls, toAmqpMessage } from '@ediflow/bridge';

describe('AMQP 1.0 mapping', () => {
  it('when a destination is mapped, then each broker kind gets its address form', () => {
    expect(amqpAddress('activemq', '/queue/CLAIMS')).toBe('queue://CLAIMS');
    expect(amqpAddress('activemq', '/topic/EVENTS')).toBe('topic://EVENTS');
    expect(amqpAddress('activemq', 'CLAIMS')).toBe('CLAIMS');
    expect(amqpAddress('rabbitmq', 'claims')).toBe('/queue/claims');
    expect(amqpAddress('rabbitmq', '/amq/queue/claims')).toBe('/amq/queue/claims');
    expect(amqpAddress('rabbitmq', '/exchange/edi/claims')).toBe('/exchange/edi/claims');
    expect(amqpAddress('artemis', '/queue/CLAIMS')).toBe('CLAIMS');
    expect(amqpAddress('generic', '/queue/CLAIMS')).toBe('/queue/CLAIMS');
  });

  it('when text and bytes are sent, then text is an amqp-value string and bytes a data section, durable, with the key as message-id', () => {
    const text = toAmqpMessage(Buffer.from('é text'), { contentType: 'text/plain', headers: { 'idempotency-key': 'k1', 'correlation-id': 'c1', JMSXGroupID: 'g1', 'x-id': '7' } });
    expect(text).toMatchObject({ durable: true, body: 'é text', message_id: 'k1', correlation_id: 'c1', group_id: 'g1', content_type: 'text/plain' });
    expect(text.application_properties).toEqual({ 'idempotency-key': 'k1', 'x-id': '7' });
    const bytes = toAmqpMessage(Buffer.from([0, 255]), { binary: true, contentType: 'application/octet-stream' });
    expect(bytes.body).toEqual(rheaMessage.data_section(Buffer.from([0, 255])));
  });

  it('when a message is received, then its properties become headers and its body section decides text or bytes', () => {
    const text = fromAmqpMessage('IN', { body: 'hello', message_id: 'm-1', correlation_id: 'c', group_id: 'g', content_type: 'text/plain', application_properties: { 'x-n': 3 }, delivery_count: 1 });
    expect(text).toMatchObject({ destination: 'IN', binary: false, redelivered: true, headers: { 'message-id': 'm-1', 'correlation-id': 'c', JMSXGroupID: 'g', 'content-type': 'text/plain', 'x-n': '3' } });
    expect(text.body.toString()).toBe('hello');
    const bytes = fromAmqpMessage('IN', { body: { typecode: 0x75, content: Buffer.from([1, 0, 2]) } as unknown as undefined });
    expect(bytes).toMatchObject({ binary: true, redelivered: false });
    expect([...bytes.body]).toEqual([1, 0, 2]);
    const map = fromAmqpMessage('IN', { body: { a: 1 } as unknown as undefined });
    expect(map).toMatchObject({ binary: false, headers: { 'content-type': 'application/json' } });
    expect(map.body.toString()).toBe('{"a":1}');
  });

  it('when URLs are parsed, then amqps is TLS on 5671 by default and credentials in a URL are refused', () => {
    expect(parseAmqpUrls(['amqp://mq:5673', 'amqps://mq2'])).toEqual([
      { host: 'mq', port: 5673, tls: false },
      { host: 'mq2', port: 5671, tls: true },
    ]);
    expect(() => parseAmqpUrls(['amqp://u:p@mq'])).toThrow(/credentials/);
  });
});
