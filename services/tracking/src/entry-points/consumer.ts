import { Counter, type Registry } from 'prom-client';
import type { Bus, Subscription } from '@ediflow/bus';
import type { ObjectStore } from '@ediflow/store';
import type { Logger } from '@ediflow/logger';
import { InvalidInputError } from '@ediflow/errors';
import { DESTINATIONS, decodeEnvelope, resolveBody } from '@ediflow/messages';
import { trackingEventId, trackingEventSchema } from '@ediflow/tracking';
import type { TrackingStore } from '../adapters/tracking-store';

export interface ConsumerOptions {
  bus: Bus;
  /** Where claim-checked event bodies rest. */
  objectStore: ObjectStore;
  tracking: TrackingStore;
  logger: Logger;
  registry: Registry;
  /** Events applied at once. One (the default) keeps each claim's events in order of arrival. */
  prefetch?: number;
}

/**
 * Applies the services' tracking events, each once (by its data-derived id), acknowledging a
 * message only after its transaction committed: a crash replays the message, and the replay
 * is a duplicate. An event that does not parse is dead-lettered with its reason.
 */
export function createTrackingConsumer(options: ConsumerOptions) {
  const applied = new Counter({
    name: 'tracking_events_total',
    help: 'Tracking events by kind and result (applied, or a duplicate of one applied before)',
    labelNames: ['kind', 'result'],
    registers: [options.registry],
  });
  let subscription: Subscription | undefined;
  return {
    async start(): Promise<void> {
      subscription = await options.bus.subscribe(
        DESTINATIONS.tracking,
        async (message) => {
          const envelope = decodeEnvelope(message.body);
          const parsed = trackingEventSchema.safeParse(await resolveBody(options.objectStore, envelope));
          if (!parsed.success) {
            const fields = parsed.error.issues.map((i) => i.path.join('.') || '(root)').join(', ');
            throw new InvalidInputError('TRACKING_EVENT_INVALID', `tracking event invalid at: ${fields}`);
          }
          const result = await options.tracking.apply(trackingEventId(parsed.data), parsed.data);
          applied.inc({ kind: parsed.data.kind, result });
        },
        { prefetch: options.prefetch ?? 1, maxAttempts: 10, retryBaseDelayMs: 1000 },
      );
    },
    async stop(): Promise<void> {
      await subscription?.close();
    },
  };
}
