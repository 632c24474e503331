import type { Bus } from '@ediflow/bus';
import type { Logger } from '@ediflow/logger';
import { describeError } from '@ediflow/errors';
import { summarize, type DeadLetterFilter, type DeadLetterSummary } from '../domain/dead-letter';
import { noTracking, type TrackingEmitter } from '@ediflow/tracking';
import { endpointQueue, jobHeaders } from '../domain/job';
import type { DeadLetterStore } from '../adapters/dead-letter-store';

export interface ReplayReport {
  replayed: DeadLetterSummary[];
  /** Dead letters that could not be replayed (unknown endpoint, publish failed), with a code. */
  failed: { messageId: string; subscriptionId: string; code: string }[];
}

export interface DeadLetterAdmin {
  list(filter?: DeadLetterFilter): Promise<DeadLetterSummary[]>;
  /**
   * Sends matching dead letters back to their endpoint queue as fresh deliveries
   * (attempt 1, new age) with the original envelope, so the original idempotency key.
   * Each record moves to the replayed prefix only after the broker's receipt.
   */
  replay(filter: DeadLetterFilter): Promise<ReplayReport>;
}

export interface DeadLetterAdminDeps {
  bus: Bus;
  deadLetters: DeadLetterStore;
  clock: () => Date;
  logger: Logger;
  /** Subscription ids that exist now; replays to others are refused. All allowed when omitted. */
  knownSubscriptions?: () => Set<string>;
  /** Where replays are recorded (the tracking service); nowhere when omitted. */
  tracking?: TrackingEmitter;
}

export function createDeadLetterAdmin(deps: DeadLetterAdminDeps): DeadLetterAdmin {
  return {
    async list(filter = {}) {
      return (await deps.deadLetters.list(filter)).map(summarize);
    },
    async replay(filter) {
      const report: ReplayReport = { replayed: [], failed: [] };
      const known = deps.knownSubscriptions?.();
      for (const d of await deps.deadLetters.list(filter)) {
        if (known && !known.has(d.subscriptionId)) {
          report.failed.push({ messageId: d.messageId, subscriptionId: d.subscriptionId, code: 'SUBSCRIPTION_UNKNOWN' });
          continue;
        }
        const now = deps.clock();
        try {
          await deps.bus.publish(endpointQueue(d.subscriptionId), d.envelope, {
            headers: jobHeaders(d.messageId, { subscriptionId: d.subscriptionId, attempt: 1, firstAttemptAt: now, replays: d.replays + 1, groupId: d.groupId }),
          });
          await deps.deadLetters.markReplayed(d, now);
          await (deps.tracking ?? noTracking).emit({
            kind: 'callback', messageId: d.messageId, subscriptionId: d.subscriptionId, partnerId: d.partnerId, fileId: d.fileId,
            outcome: 'replayed', attempt: d.attempts, at: now.toISOString(),
          });
          report.replayed.push(summarize(d));
        } catch (err) {
          report.failed.push({ messageId: d.messageId, subscriptionId: d.subscriptionId, code: describeError(err).code });
        }
      }
      deps.logger.info({ replayed: report.replayed.length, failed: report.failed.length }, 'dead letters replayed');
      return report;
    },
  };
}
