/** Wiring only: the notifier as its own process (ECS Fargate service). */
import { loadConfigOrExit } from '@ediflow/config';
import { describeError } from '@ediflow/errors';
import { createRuntime, runService } from '@ediflow/runtime';
import { createAlerts } from '@ediflow/alerts';
import { notifierConfigSchema, settingsFromConfig } from './config';
import { createNotifier } from './notifier';
import { loadSubscriptionsFile } from './adapters/subscriptions-file';

async function main(): Promise<void> {
  const config = loadConfigOrExit(notifierConfigSchema, process.env, 'notifier');
  const subscriptions = loadSubscriptionsFile(config.NOTIFIER_SUBSCRIPTIONS_FILE, process.env);
  let ready = false;
  const rt = createRuntime('notifier', config, { notifier: () => ready });
  // The notifier limits alerts per kind and endpoint (NOTIFIER_ALERT_INTERVAL_MS); the sink adds no window of its own.
  const alerts = createAlerts({ topicArn: config.ALERT_TOPIC_ARN, logger: rt.logger, minIntervalMs: 0 });
  const notifier = createNotifier({
    bus: rt.bus,
    store: rt.store,
    logger: rt.logger,
    registry: rt.registry,
    subscriptions,
    alerts,
    settings: settingsFromConfig(config),
  });
  if (notifier.router) rt.http.app.use('/admin', notifier.router);
  await runService(rt, config, {
    start: async () => {
      await notifier.start();
      ready = true;
    },
    stop: async () => {
      ready = false;
      await notifier.stop();
    },
  });
}

main().catch((err: unknown) => {
  process.stderr.write(`notifier: failed to start: ${describeError(err).code}\n`);
  process.exit(1);
});
