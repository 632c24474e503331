import { ConfigError } from '@ediflow/errors';
import { brokerList, loadConsoleConfig, oidcSettings, serviceList } from '../../src/config';

const BASE = {
  CONSOLE_TRACKING_URL: 'http://tracking:8080',
  CONSOLE_TRACKING_TOKEN: 't'.repeat(40),
  CONSOLE_NOTIFIER_URL: 'http://notifier:8080/admin',
  CONSOLE_NOTIFIER_TOKEN: 'n'.repeat(40),
};
const ARN = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/console/1';

describe('console configuration', () => {
  it('when brokers and services are listed as name=url, then each is read, failover lists included', () => {
    expect(brokerList('amazon-mq=failover:(stomp+ssl://a:61614,stomp+ssl://b:61614); onprem=stomp://mq:61613')).toEqual([
      { name: 'amazon-mq', url: 'failover:(stomp+ssl://a:61614,stomp+ssl://b:61614)' },
      { name: 'onprem', url: 'stomp://mq:61613' },
    ]);
    expect(serviceList('ingest=http://ingest:8080')).toEqual([{ name: 'ingest', url: 'http://ingest:8080' }]);
    expect(brokerList(undefined)).toEqual([]);
  });

  it('when an entry is malformed, then the error names the variable and never the URL (it may hold a password)', () => {
    const err = (() => {
      try {
        brokerList('onprem=amqp://user:s3cret@mq');
      } catch (e) {
        return e as ConfigError;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(ConfigError);
    expect(err?.message).toContain('CONSOLE_BROKERS');
    expect(err?.message).not.toContain('s3cret');
    expect(() => serviceList('=http://x')).toThrow(ConfigError);
  });

  it('when OIDC is turned on, then the load balancer, region and a group are required, and groups are comma lists', () => {
    expect(() => loadConsoleConfig({ ...BASE, CONSOLE_OIDC: 'true' })).toThrow(/CONSOLE_OIDC_ALB_ARN, CONSOLE_OIDC_REGION, CONSOLE_OIDC_OPERATOR_GROUPS/);
    const c = loadConsoleConfig({ ...BASE, CONSOLE_OIDC: 'true', CONSOLE_OIDC_ALB_ARN: ARN, CONSOLE_OIDC_REGION: 'us-east-1', CONSOLE_OIDC_OPERATOR_GROUPS: 'edi-ops, sre' });
    expect(oidcSettings(c)).toEqual({ albArn: ARN, region: 'us-east-1', groupsClaim: 'groups', userClaim: 'email', groups: { operator: ['edi-ops', 'sre'], readOnly: [] } });
    expect(oidcSettings(loadConsoleConfig(BASE))).toBeUndefined();
  });

  it('when a token is short, then the configuration is refused', () => {
    expect(() => loadConsoleConfig({ ...BASE, CONSOLE_OPERATOR_TOKEN: 'short' })).toThrow(/CONSOLE_OPERATOR_TOKEN/);
  });
});
