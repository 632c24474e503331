import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { removeBrokerDir, startBroker, type BrokerHandle } from '@ediflow/activemq';
import { StompBus, type ReceivedMessage } from '@ediflow/bus';
import { createDlqCommand, runCli } from '@ediflow/cli';
import { createDeadLetterStore, endpointQueue, JOB_HEADERS, type DeadLetter } from '@ediflow/notifier';
import { EmbeddedObjectStore } from '@ediflow/store';
import { capture } from '../helpers';

jest.setTimeout(120_000);

function deadLetter(messageId: string, subscriptionId: string): DeadLetter {
  const at = '2026-11-20T10:00:00.000Z';
  return {
    version: 1,
    messageId,
    subscriptionId,
    partnerId: 'acme',
    fileId: 'file-1',
    code: 'HTTP_503',
    reason: 'endpoint answered 503',
    attempts: 8,
    firstAttemptAt: at,
    deadLetteredAt: at,
    replays: 0,
    envelope: JSON.stringify({ type: 'TransactionTranslated', version: 1, id: messageId, fileId: 'file-1', partnerId: 'acme', occurredAt: at, body: { n: messageId } }),
  };
}

describe('edi dlq replay against a real ActiveMQ broker (store and bus from the environment)', () => {
  let broker: BrokerHandle;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'edi-dlq-amq-'));
    broker = await startBroker({ name: 'edi-dlq', dir: join(dir, 'broker') });
  });
  afterAll(async () => {
    await broker?.stop();
    await removeBrokerDir(join(dir, 'broker'));
    rmSync(dir, { recursive: true, force: true });
  });

  it('when replaying a subscription, then its dead letters arrive on the endpoint queue with their idempotency keys, and a second replay finds nothing', async () => {
    const storeRoot = join(dir, 'store');
    const letters = createDeadLetterStore(new EmbeddedObjectStore({ root: storeRoot }));
    await letters.put(deadLetter('m1', 'billing'));
    await letters.put(deadLetter('m2', 'billing'));
    await letters.put(deadLetter('m3', 'claims'));
    const command = createDlqCommand({ env: { BROKER_URL: broker.url, STORE_KIND: 'embedded', STORE_ROOT: storeRoot } });

    const c = capture();
    expect(await runCli(['dlq', 'replay', '--subscription', 'billing', '--json'], c.io, [command])).toBe(0);
    expect((JSON.parse(c.out()) as { replayed: { messageId: string }[] }).replayed.map((r) => r.messageId).sort()).toEqual(['m1', 'm2']);

    const consumer = new StompBus(broker.url);
    await consumer.connect();
    const received: ReceivedMessage[] = [];
    const done = new Promise<void>((resolve) => {
      void consumer.subscribe(endpointQueue('billing'), async (m) => {
        received.push(m);
        if (received.length === 2) resolve();
      });
    });
    await done;
    await consumer.close();
    expect(received.map((m) => m.headers[JOB_HEADERS.idempotencyKey]).sort()).toEqual(['m1', 'm2']);
    expect(received.map((m) => JSON.parse(m.body.toString('utf8')) as { id: string }).map((e) => e.id).sort()).toEqual(['m1', 'm2']);

    const again = capture();
    expect(await runCli(['dlq', 'replay', '--subscription', 'billing'], again.io, [command])).toBe(0);
    expect(again.out()).toMatch(/^replayed 0, failed 0\n/);
    const left = capture();
    expect(await runCli(['dlq', 'list', '--json'], left.io, [command])).toBe(0);
    expect((JSON.parse(left.out()) as { messageId: string }[]).map((r) => r.messageId)).toEqual(['m3']);
  });
});
