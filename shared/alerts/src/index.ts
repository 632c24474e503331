import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import type { Logger } from '@ediflow/logger';
import { describeError } from '@ediflow/errors';

/** Alert details are ids, codes and counts only: never element values, names or file names. */
export type AlertDetails = Record<string, string | number>;

export interface AlertSink {
  alert(subject: string, details: AlertDetails): Promise<void>;
}

/** Local stand-in: one structured warn line per alert. */
export function createLogAlerts(logger: Logger): AlertSink {
  return {
    async alert(subject, details) {
      logger.warn({ alert: subject, ...details }, 'alert');
    },
  };
}

export interface SnsAlertsOptions {
  client: Pick<SNSClient, 'send'>;
  topicArn: string;
  logger: Logger;
  /** At most one alert per subject+code in this window; the rest are counted and reported with the next one. */
  minIntervalMs?: number;
  now?: () => number;
}

/**
 * SNS alerts, rate-limited per subject and code so a burst of bad files or a flapping
 * endpoint sends one message with a count instead of hundreds. Failing to alert never
 * fails the caller's work: it is logged.
 */
export function createSnsAlerts(options: SnsAlertsOptions): AlertSink {
  const minIntervalMs = options.minIntervalMs ?? 60_000;
  const now = options.now ?? Date.now;
  const last = new Map<string, { at: number; suppressed: number }>();
  return {
    async alert(subject, details) {
      const key = `${subject}\u001f${String(details.code ?? '')}`;
      const seen = last.get(key);
      const t = now();
      if (seen && t - seen.at < minIntervalMs) {
        seen.suppressed += 1;
        return;
      }
      const suppressed = seen?.suppressed ?? 0;
      last.set(key, { at: t, suppressed: 0 });
      const message = JSON.stringify({ subject, ...details, ...(suppressed > 0 ? { suppressedSinceLast: suppressed } : {}) });
      try {
        await options.client.send(new PublishCommand({ TopicArn: options.topicArn, Subject: subject.slice(0, 100), Message: message }));
      } catch (err) {
        options.logger.error({ alert: subject, err: describeError(err) }, 'alert could not be sent');
      }
    },
  };
}

/**
 * The alert sink a service's main.ts wants: SNS when a topic is configured (ALERT_TOPIC_ARN),
 * the log otherwise. The SNS client uses the SDK's default region and credentials chain.
 */
export function createAlerts(options: { topicArn?: string; logger: Logger; minIntervalMs?: number }): AlertSink {
  if (!options.topicArn) return createLogAlerts(options.logger);
  return createSnsAlerts({ client: new SNSClient({}), topicArn: options.topicArn, logger: options.logger, minIntervalMs: options.minIntervalMs });
}
