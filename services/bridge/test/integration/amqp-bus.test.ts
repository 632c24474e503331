/**
 * The Bus contract for the bridge's AMQP 1.0 bus, on a private RabbitMQ 3.10 with its AMQP 1.0
 * plugin, then what is particular to it: refused destinations and selectors.
 */
import { AmqpBus } from '@ediflow/bridge';
import { startRabbitMQ, removeRabbitDir, type RabbitHandle } from '@ediflow/rabbitmq';
import { busContract, uniqueDestination } from '../../../../shared/bus/test/contract';

jest.setTimeout(120_000);

let rabbit: RabbitHandle | undefined;
const options = { kind: 'rabbitmq' as const, login: 'guest', passcode: 'guest', random: () => 0.5, reconnectInitialDelayMs: 200, reconnectMaxDelayMs: 1000, publishTimeoutMs: 5000, heartbeatMs: 2000 };
const amqpBus = (): AmqpBus => {
  if (!rabbit) throw new Error('RabbitMQ did not start');
  return new AmqpBus([rabbit.amqpUrl], options);
};

beforeAll(async () => {
  rabbit = await startRabbitMQ({ name: 'amqp-bus-test' });
}, 120_000);

afterAll(async () => {
  if (rabbit) {
    await rabbit.stop();
    await removeRabbitDir(rabbit.dir);
  }
}, 60_000);

busContract('AmqpBus on RabbitMQ (AMQP 1.0)', amqpBus, { deliveryMs: 5000 });

describe('AmqpBus on RabbitMQ', () => {
  it('when a message is sent to an exchange that does not exist, then the publish fails fast as a refused destination, the bus is not ready, and other destinations still work', async () => {
    const bus = amqpBus();
    try {
      await bus.connect();
      await expect(bus.publish(`/exchange/${uniqueDestination('none')}/rk`, 'x', { contentType: 'text/plain' })).rejects.toMatchObject({ code: 'BUS_DESTINATION_REFUSED' });
      expect(bus.isConnected()).toBe(false);
      await bus.publish(uniqueDestination('fine'), 'y', { contentType: 'text/plain' });
    } finally {
      await bus.close();
    }
  });

  it('when a selector is asked of RabbitMQ, then the subscription is refused rather than the selector ignored', async () => {
    const bus = amqpBus();
    try {
      await bus.connect();
      await expect(bus.subscribe(uniqueDestination('sel'), async () => undefined, { selector: "a = 'b'" })).rejects.toMatchObject({ code: 'BUS_SELECTOR_UNSUPPORTED' });
    } finally {
      await bus.close();
    }
  });
});
