import type { Bus, MessageHandler, ReceivedMessage } from '@ediflow/bus';
import type { ObjectStore } from '@ediflow/store';
import type { Logger } from '@ediflow/logger';
import { decodeEnvelope, resolveBody } from '@ediflow/messages';
import { endpointQueue, groupOf, jobHeaders, transactionSetOf } from '../domain/job';
import { matchSubscriptions, type SubscriptionsDocument } from '../domain/subscriptions';

export interface FanoutDeps {
  bus: Bus;
  store: ObjectStore;
  logger: Logger;
  clock: () => Date;
  subscriptions: () => SubscriptionsDocument;
}

/**
 * TransactionTranslated consumer: one delivery job per matching subscription, each on
 * that endpoint's own queue. The input is acknowledged only after every job publish
 * got its broker receipt; a crash before that redelivers the input, and the repeat
 * jobs carry the same idempotency key, so receivers still process it once.
 */
export function createFanoutHandler(deps: FanoutDeps): MessageHandler {
  return async (message: ReceivedMessage) => {
    const envelope = decodeEnvelope(message.body);
    const doc = deps.subscriptions();
    let set = transactionSetOf(message.headers, envelope.body);
    const candidates = doc.subscriptions.filter((s) => s.partnerId === envelope.partnerId);
    if (set === undefined && envelope.bodyRef !== undefined && candidates.some((s) => s.transactionSets !== undefined)) {
      set = transactionSetOf({}, await resolveBody(deps.store, envelope));
    }
    const targets = matchSubscriptions(doc, envelope.partnerId, set);
    const firstAttemptAt = deps.clock();
    const groupId = groupOf(message.headers);
    await Promise.all(
      targets.map((sub) =>
        deps.bus.publish(endpointQueue(sub.id), message.body, {
          headers: jobHeaders(envelope.id, { subscriptionId: sub.id, attempt: 1, firstAttemptAt, replays: 0, groupId }),
        }),
      ),
    );
    deps.logger.info({ messageId: envelope.id, partnerId: envelope.partnerId, transactionSet: set, endpoints: targets.map((s) => s.id) }, 'callbacks scheduled');
  };
}
