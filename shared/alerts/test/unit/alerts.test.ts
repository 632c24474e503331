import { Readable } from 'node:stream';
import { SNSClient } from '@aws-sdk/client-sns';
import { createLogger, memoryDestination } from '@ediflow/logger';
import { createSnsAlerts } from '@ediflow/alerts';

describe('createSnsAlerts', () => {
  it('when the same alert repeats within the window, then SNS receives one message and the next one carries the suppressed count', async () => {
    const requests: { body: string }[] = [];
    // The real SDK client; only the HTTP transport is replaced, so serialization is the SDK's own.
    const client = new SNSClient({
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      requestHandler: {
        handle: async (req: { body: string }) => {
          requests.push({ body: String(req.body) });
          const xml = '<PublishResponse><PublishResult><MessageId>m1</MessageId></PublishResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></PublishResponse>';
          return { response: { statusCode: 200, headers: { 'content-type': 'text/xml' }, body: Readable.from([Buffer.from(xml)]) } };
        },
      },
    });
    let t = 0;
    const alerts = createSnsAlerts({ client, topicArn: 'arn:aws:sns:us-east-1:123456789012:edi-alerts', logger: createLogger({ service: 't', destination: memoryDestination() }), minIntervalMs: 1000, now: () => t });
    await alerts.alert('file quarantined', { code: 'NOT_PGP', fileId: 'f1' });
    await alerts.alert('file quarantined', { code: 'NOT_PGP', fileId: 'f2' });
    await alerts.alert('file quarantined', { code: 'NOT_PGP', fileId: 'f3' });
    await alerts.alert('file quarantined', { code: 'EMPTY_FILE', fileId: 'f4' });
    t = 1500;
    await alerts.alert('file quarantined', { code: 'NOT_PGP', fileId: 'f5' });
    const messages = requests.map((r) => JSON.parse(new URLSearchParams(r.body).get('Message') ?? '{}'));
    expect(messages).toEqual([
      { subject: 'file quarantined', code: 'NOT_PGP', fileId: 'f1' },
      { subject: 'file quarantined', code: 'EMPTY_FILE', fileId: 'f4' },
      { subject: 'file quarantined', code: 'NOT_PGP', fileId: 'f5', suppressedSinceLast: 2 },
    ]);
    expect(new URLSearchParams(requests[0].body).get('TopicArn')).toBe('arn:aws:sns:us-east-1:123456789012:edi-alerts');
  });
});
