import { isTextContentType, stompDialect } from '@ediflow/bus';

describe('STOMP dialects', () => {
  it('when a destination starts with "/", then every kind sends it as written (no /queue//amq/... rewriting)', () => {
    for (const kind of ['activemq', 'rabbitmq', 'artemis', 'generic'] as const) {
      const d = stompDialect(kind);
      for (const dest of ['/queue/a', '/topic/b', '/amq/queue/c', '/exchange/x/rk', '/temp-queue/t']) expect(d.destination(dest)).toBe(dest);
    }
  });

  it('when a destination is a bare name, then ActiveMQ and RabbitMQ take it as a queue and Artemis and generic as written', () => {
    expect(stompDialect('activemq').destination('A.B')).toBe('/queue/A.B');
    expect(stompDialect('rabbitmq').destination('A.B')).toBe('/queue/A.B');
    expect(stompDialect('artemis').destination('A.B')).toBe('A.B');
    expect(stompDialect('generic').destination('A.B')).toBe('A.B');
  });

  it('when subscribing, then each kind bounds prefetch with its own header', () => {
    expect(stompDialect('activemq').prefetchHeaders(7)).toEqual({ 'activemq.prefetchSize': '7' });
    expect(stompDialect('rabbitmq').prefetchHeaders(7)).toEqual({ 'prefetch-count': '7' });
    expect(stompDialect('artemis').prefetchHeaders(7)).toEqual({ 'consumer-window-size': String(7 * 1024) });
    expect(stompDialect('generic').prefetchHeaders(7)).toEqual({});
  });

  it('when a frame carries content-length, then only ActiveMQ and Artemis take that as bytes; RabbitMQ decides by content type', () => {
    const text = { 'content-length': '5', 'content-type': 'text/plain; charset=utf-8' };
    const bytes = { 'content-length': '5', 'content-type': 'application/octet-stream' };
    expect(stompDialect('activemq').isBinary(text)).toBe(true);
    expect(stompDialect('rabbitmq').isBinary(text)).toBe(false);
    expect(stompDialect('rabbitmq').isBinary(bytes)).toBe(true);
    expect(stompDialect('rabbitmq').isBinary({ 'content-length': '2' })).toBe(true);
    expect(stompDialect('activemq').isBinary({ 'content-type': 'application/octet-stream' })).toBe(false);
  });

  it('when the CONNECT host is chosen, then RabbitMQ gets the default virtual host and the others the broker host', () => {
    expect(stompDialect('rabbitmq').connectHost('mq.example')).toBe('/');
    expect(stompDialect('activemq').connectHost('mq.example')).toBe('mq.example');
  });

  it('when a content type is JSON, XML or text, then it is text; octet-stream, none or an image is not', () => {
    for (const t of ['text/plain', 'TEXT/csv; charset=x', 'application/json', 'application/fhir+json', 'application/soap+xml']) expect(isTextContentType(t)).toBe(true);
    for (const t of [undefined, 'application/octet-stream', 'image/png', 'application/pdf']) expect(isTextContentType(t)).toBe(false);
  });

  it('when the kind is RabbitMQ or generic, then selectors are unsupported and no per-delivery id counts as stable', () => {
    expect(stompDialect('rabbitmq').selectors).toBe(false);
    expect(stompDialect('generic').selectors).toBe(false);
    expect(stompDialect('activemq').selectors).toBe(true);
    expect(stompDialect('rabbitmq').stableIdHeader).toBe('amqp-message-id');
    expect(stompDialect('generic').stableIdHeader).toBeUndefined();
  });
});
