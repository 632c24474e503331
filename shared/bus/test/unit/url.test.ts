import { ConfigError } from '@ediflow/errors';
import { parseBrokerUrl } from '@ediflow/bus';

describe('parseBrokerUrl', () => {
  it('when given a plain stomp URL, then it yields one endpoint without TLS', () => {
    expect(parseBrokerUrl('stomp://127.0.0.1:61613')).toEqual([{ host: '127.0.0.1', port: 61613, tls: false }]);
  });

  it('when given the failover list Amazon MQ prints, then it yields both TLS endpoints in order', () => {
    const url = 'failover:(stomp+ssl://b-1.mq.us-east-1.amazonaws.com:61614,stomp+ssl://b-2.mq.us-east-1.amazonaws.com:61614)';
    expect(parseBrokerUrl(url)).toEqual([
      { host: 'b-1.mq.us-east-1.amazonaws.com', port: 61614, tls: true },
      { host: 'b-2.mq.us-east-1.amazonaws.com', port: 61614, tls: true },
    ]);
  });

  it('when the failover list has options or is just comma-separated, then the options are ignored and the addresses kept', () => {
    expect(parseBrokerUrl('failover:(stomp://a:1,stomp://b:2)?randomize=false').map((e) => e.host)).toEqual(['a', 'b']);
    expect(parseBrokerUrl('stomp://a:1, stomp+ssl://b').map((e) => [e.host, e.port, e.tls])).toEqual([
      ['a', 1, false],
      ['b', 61614, true],
    ]);
  });

  it('when the URL carries user and password, then they become login and passcode', () => {
    expect(parseBrokerUrl('stomp+ssl://svc%40edi:p%3Ass@mq:61614')).toEqual([
      { host: 'mq', port: 61614, tls: true, login: 'svc@edi', passcode: 'p:ss' },
    ]);
  });

  it('when the scheme is not STOMP, then a ConfigError names the variable without echoing the URL', () => {
    let err: unknown;
    try {
      parseBrokerUrl('tcp://user:secretpw@mq:61616');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).variables).toEqual(['BROKER_URL']);
    expect((err as Error).message).not.toContain('secretpw');
  });
});
