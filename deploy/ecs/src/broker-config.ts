/**
 * The Amazon MQ for ActiveMQ broker configuration (Spring XML, only the elements Amazon MQ
 * permits). `schedulerSupport="true"` makes AMQ_SCHEDULED_DELAY work, which every explicit retry
 * (translator, notifier) relies on: without it, retries come back at once. The statistics plugin
 * answers ActiveMQ.Statistics.Destination requests for per-queue figures. Dead letters the
 * broker makes itself (expired messages) stay in the default ActiveMQ.DLQ, which an alarm watches.
 */
export function brokerConfigurationXml(): string {
  return [
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>',
    '<broker xmlns="http://activemq.apache.org/schema/core" schedulerSupport="true">',
    '  <plugins>',
    '    <statisticsBrokerPlugin/>',
    '  </plugins>',
    '</broker>',
    '',
  ].join('\n');
}
