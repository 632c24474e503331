import type { MemoryBus } from '@ediflow/bus';
import type { QueueSource } from '../service';

/** The embedded bus of `npm start` as a broker of the Queues page: the same figures, from the process itself. */
export function memoryBusSource(name: string, bus: MemoryBus): QueueSource {
  return { name, read: async () => bus.stats() };
}
