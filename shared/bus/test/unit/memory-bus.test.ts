import { MemoryBus, createBus } from '@ediflow/bus';
import { busContract } from '../contract';

busContract('MemoryBus', () => new MemoryBus({ random: () => 0.5 }), { deliveryMs: 2000 });

describe('createBus', () => {
  it('when given "memory", then it returns an in-process bus that works without a broker', async () => {
    const bus = createBus('memory');
    expect(bus).toBeInstanceOf(MemoryBus);
    await bus.connect();
    expect(bus.isConnected()).toBe(true);
    await bus.close();
  });
});
