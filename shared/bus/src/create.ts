import { MemoryBus, type MemoryBusOptions } from './memory';
import type { Bus } from './port';
import { StompBus, type StompBusOptions } from './stomp';

export type CreateBusOptions = StompBusOptions & MemoryBusOptions;

/** `'memory'` gives the in-process bus; anything else is a STOMP URL or failover list. */
export function createBus(url: string, options: CreateBusOptions = {}): Bus {
  if (url === 'memory' || url === 'memory://') return new MemoryBus(options);
  return new StompBus(url, options);
}
