import type { Bus } from '@ediflow/bus';
import type { ObjectStore } from '@ediflow/store';
import { DESTINATIONS, MESSAGE_TYPES, publishEnvelope } from '@ediflow/messages';
import { trackingEventId, type TrackingEvent } from './events';

/** Sends tracking events; a service that tracks nothing gets the no-op one. */
export interface TrackingEmitter {
  emit(event: TrackingEvent): Promise<void>;
}

export const noTracking: TrackingEmitter = { emit: async () => undefined };

/**
 * Publishes each event on the bus (DESTINATIONS.tracking) as a persistent message whose id is
 * the event's data-derived id: the service goes on once the broker has it, and the tracking
 * service applies it when it can. A big event (the claims of a large set) is claim-checked.
 */
export function createTrackingEmitter(deps: { bus: Bus; store: ObjectStore; inlineLimitBytes?: number }): TrackingEmitter {
  return {
    async emit(event) {
      await publishEnvelope(deps, DESTINATIONS.tracking, {
        type: MESSAGE_TYPES.trackingEvent,
        version: 1,
        id: trackingEventId(event),
        fileId: event.fileId,
        partnerId: event.partnerId,
        occurredAt: event.at,
        body: event,
      });
    },
  };
}
