import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SNSClient } from '@aws-sdk/client-sns';
import { createSnsAlerts } from '@ediflow/alerts';
import { envSecretReader, parseSubscriptions, type Notifier } from '@ediflow/notifier';
import { waitFor } from '@ediflow/testkit';
import { Receiver, countKeys, hmacSub, publishTransactions, world, TEST_ENV, type World, notifierIn } from './helpers';

jest.setTimeout(30_000);

/** A stand-in for the SNS API on loopback: records Publish calls, answers like SNS (query or JSON protocol). */
async function snsStub(): Promise<{ server: Server; endpoint: string; calls: URLSearchParams[]; raw: string[] }> {
  const calls: URLSearchParams[] = [];
  const raw: string[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      raw.push(body);
      if (String(req.headers['content-type']).includes('x-www-form-urlencoded')) {
        calls.push(new URLSearchParams(body));
        res.writeHead(200, { 'content-type': 'text/xml' });
        res.end(`<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>m-${calls.length}</MessageId></PublishResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></PublishResponse>`);
      } else {
        const json = JSON.parse(body) as Record<string, string>;
        calls.push(new URLSearchParams({ Action: 'Publish', TopicArn: json.TopicArn, Subject: json.Subject, Message: json.Message }));
        res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
        res.end(JSON.stringify({ MessageId: `m-${calls.length}` }));
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, calls, raw };
}

describe('SNS alerts', () => {
  let w: World;
  let notifier: Notifier | undefined;
  let receiver: Receiver | undefined;
  let sns: Awaited<ReturnType<typeof snsStub>> | undefined;

  beforeEach(async () => {
    w = await world();
  });
  afterEach(async () => {
    await notifier?.stop();
    await receiver?.stop();
    await new Promise<void>((r) => (sns ? sns.server.close(() => r()) : r()));
    await w.close();
  });

  it('when several deliveries to one endpoint are dead-lettered, then one SNS alert (ids and codes, no PHI) goes out per interval', async () => {
    sns = await snsStub();
    receiver = await new Receiver(() => ({ status: 422 })).start();
    const client = new SNSClient({ endpoint: sns.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
    const topicArn = 'arn:aws:sns:us-east-1:123456789012:ediflow-alerts';
    const subscriptions = parseSubscriptions({ version: 1, subscriptions: [hmacSub('erp', receiver.url)] }, envSecretReader(TEST_ENV));
    notifier = notifierIn(w, {
      subscriptions,
      // The notifier limits per kind and endpoint itself; the shared SNS sink adds no window of its own here.
      alerts: createSnsAlerts({ client, topicArn, logger: w.logger, minIntervalMs: 0 }),
      settings: { alertIntervalMs: 60_000 },
    });
    await notifier.start();
    const ids = await publishTransactions(w, 4);
    await waitFor('dead letters', async () => (await countKeys(w.store, 'deadletters/notifier/')).length === ids.length, 5000);
    await waitFor('the SNS publish', () => sns?.calls.length === 1, 5000);
    await new Promise((r) => setTimeout(r, 200));
    expect(sns.calls).toHaveLength(1);
    const call = sns.calls[0];
    expect(call.get('Action')).toBe('Publish');
    expect(call.get('TopicArn')).toBe(topicArn);
    expect(call.get('Subject')).toBe('ediflow notifier: dead letter for endpoint erp');
    expect(JSON.parse(call.get('Message') ?? '{}')).toMatchObject({ source: 'notifier', kind: 'dead-letter', subscriptionId: 'erp', partnerId: 'acme-health', code: 'HTTP_422' });
    expect(sns.raw.join('')).not.toContain('PCN-SECRET');
    client.destroy();
  });
});
