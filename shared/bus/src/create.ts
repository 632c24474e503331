import { InvalidInputError } from '@ediflow/errors';
import { MemoryBus, type MemoryBusOptions } from './memory';
import type { Bus } from './port';
import { StompBus, type StompBusOptions } from './stomp';

export type CreateBusOptions = StompBusOptions & MemoryBusOptions;

/**
 * `'embedded'` gives the in-process bus kept durable in a journal under `journalDir` (one
 * process at a time); `'memory'` the in-process bus without one (tests: nothing survives the
 * process); anything else is a STOMP URL or failover list.
 */
export function createBus(url: string, options: CreateBusOptions = {}): Bus {
  if (url === 'embedded' || url === 'embedded://') {
    if (options.journalDir === undefined) throw new InvalidInputError('BUS_JOURNAL_DIR_MISSING', 'the embedded bus needs a journal directory (BUS_DIR)');
    return new MemoryBus(options);
  }
  if (url === 'memory' || url === 'memory://') return new MemoryBus({ ...options, journalDir: undefined });
  return new StompBus(url, options);
}
