import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { Logger } from '@ediflow/logger';
import type { Alert, AlertSink, SubjectAlertSink } from '../domain/ports';

function subject(alert: Alert): string {
  return alert.kind === 'dead-letter'
    ? `ediflow notifier: dead letter for endpoint ${alert.subscriptionId}`
    : `ediflow notifier: circuit open for endpoint ${alert.subscriptionId}`;
}

/** Publishes alerts to an SNS topic (ids and codes only). Subject is capped at SNS's 100 characters. */
export function createSnsAlertSink(options: { client: SNSClient; topicArn: string }): AlertSink {
  return {
    async send(alert: Alert): Promise<void> {
      await options.client.send(
        new PublishCommand({
          TopicArn: options.topicArn,
          Subject: subject(alert).slice(0, 100),
          Message: JSON.stringify({ source: 'notifier', ...alert }),
          MessageAttributes: {
            kind: { DataType: 'String', StringValue: alert.kind },
            endpoint: { DataType: 'String', StringValue: alert.subscriptionId },
          },
        }),
      );
    },
  };
}

/** Writes alerts to the log (local runs, or when no topic is configured). */
export function createLogAlertSink(logger: Logger): AlertSink {
  return {
    async send(alert: Alert): Promise<void> {
      logger.warn({ alert }, subject(alert));
    },
  };
}

/**
 * Bridges to a subject+details sink (the shape of @ediflow/alerts), so the notifier can
 * share one SNS publisher with the other services. Typed structurally: no dependency.
 */
export function fromSubjectAlertSink(sink: SubjectAlertSink): AlertSink {
  return {
    async send(alert: Alert): Promise<void> {
      const details: Record<string, string | number> = { source: 'notifier', kind: alert.kind, subscriptionId: alert.subscriptionId, partnerId: alert.partnerId, code: alert.code };
      if (alert.messageId !== undefined) details.messageId = alert.messageId;
      if (alert.suppressed !== undefined) details.suppressed = alert.suppressed;
      await sink.alert(subject(alert), details);
    },
  };
}
