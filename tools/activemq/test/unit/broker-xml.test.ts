import { readFileSync, existsSync } from 'node:fs';
import { brokerXml, SAMPLE_CONF_DIR } from '@ediflow/activemq';

const sample = `<beans>
    <broker xmlns="http://activemq.apache.org/schema/core"
            useJmx="false"
            brokerName="localhost"
            dataDirectory="\${activemq.base}/data">
        <transportConnectors>
            <transportConnector name="openwire" uri="tcp://127.0.0.1:61616"/>
        </transportConnectors>
    </broker>
</beans>`;

describe('brokerXml', () => {
  it('when rewriting the sample config, then only one loopback STOMP connector remains and the scheduler is on', () => {
    const xml = brokerXml(sample, 40123, 'test-a');
    expect(xml).not.toContain('openwire');
    expect(xml.match(/<transportConnector /g)).toHaveLength(1);
    expect(xml).toContain('uri="stomp://127.0.0.1:40123?transport.hbGracePeriodMultiplier=3.0"');
    expect(xml).toContain('<broker schedulerSupport="true" xmlns=');
    expect(xml).toContain('brokerName="test-a"');
    expect(xml).toMatch(/<broker [^>]*>\s*<plugins>\s*<statisticsBrokerPlugin\/>\s*<\/plugins>/);
  });

  it('when the config already has plugins, then the statistics plugin joins them', () => {
    const xml = brokerXml(sample.replace('<transportConnectors>', '<plugins><timeStampingBrokerPlugin/></plugins><transportConnectors>'), 40126, 'p');
    expect(xml).toContain('<plugins>\n            <statisticsBrokerPlugin/><timeStampingBrokerPlugin/></plugins>');
    expect(xml.match(/<plugins>/g)).toHaveLength(1);
  });

  it('when the config has no transportConnectors element, then it refuses instead of starting a broker without STOMP', () => {
    expect(() => brokerXml('<beans><broker/></beans>', 1, 'x')).toThrow(/transportConnectors/);
  });

  it('when the Debian sample is installed, then it can be rewritten too', () => {
    const file = `${SAMPLE_CONF_DIR}/activemq.xml`;
    // The unit project must not depend on the package being installed; the integration harness test covers it.
    const xml = existsSync(file) ? brokerXml(readFileSync(file, 'utf8'), 40124, 'x') : brokerXml(sample, 40124, 'x');
    expect(xml).toContain('stomp://127.0.0.1:40124');
    expect(xml).toContain('schedulerSupport="true"');
  });
});

describe('brokerXml with TLS', () => {
  it('when TLS stores are given, then the one connector is stomp+ssl requiring client certificates and the broker gets an sslContext', () => {
    const xml = brokerXml(sample, 40125, 'tls', { keyStore: '/d/broker.p12', trustStore: '/d/trust.p12', password: 'abc123' });
    expect(xml).toContain('uri="stomp+ssl://127.0.0.1:40125?transport.hbGracePeriodMultiplier=3.0&amp;needClientAuth=true"');
    expect(xml).toContain('<sslContext><sslContext keyStore="file:/d/broker.p12" keyStorePassword="abc123" keyStoreType="PKCS12" trustStore="file:/d/trust.p12"');
    expect(xml.indexOf('<sslContext>')).toBeGreaterThan(xml.indexOf('<broker '));
    expect(xml).not.toContain('uri="stomp://');
  });
});
