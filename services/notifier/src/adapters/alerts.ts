import type { AlertSink as SharedAlertSink } from '@ediflow/alerts';
import type { Alert, AlertSink } from '../domain/ports';

function subject(alert: Alert): string {
  return alert.kind === 'dead-letter'
    ? `ediflow notifier: dead letter for endpoint ${alert.subscriptionId}`
    : `ediflow notifier: circuit open for endpoint ${alert.subscriptionId}`;
}

/**
 * The notifier's structured alerts as subject + details for the platform's one alert sink
 * (@ediflow/alerts: SNS in AWS, the log locally). Ids and codes only.
 */
export function fromSubjectAlertSink(sink: SharedAlertSink): AlertSink {
  return {
    async send(alert: Alert): Promise<void> {
      const details: Record<string, string | number> = { source: 'notifier', kind: alert.kind, subscriptionId: alert.subscriptionId, partnerId: alert.partnerId, code: alert.code };
      if (alert.messageId !== undefined) details.messageId = alert.messageId;
      if (alert.suppressed !== undefined) details.suppressed = alert.suppressed;
      await sink.alert(subject(alert), details);
    },
  };
}
