/** Wiring only: the notifier as its own process (ECS Fargate service). */
import { loadConfigOrExit } from '@ediflow/config';
import { describeError } from '@ediflow/errors';
import { createRuntime, runService } from '@ediflow/runtime';
import { createAlerts } from '@ediflow/alerts';
import { notifierConfigSchema, settingsFromConfig } from './config';
import { createNotifier } from './notifier';
import { registryFromFile, registryFromObjectStore } from '@ediflow/partners';
import { fileSecretReader, loadSubscriptionsFile } from './adapters/subscriptions-file';
import { subscriptionsFromRegistry } from './domain/subscriptions';

async function main(): Promise<void> {
  const config = loadConfigOrExit(notifierConfigSchema, process.env, 'notifier');
  let ready = false;
  const rt = createRuntime('notifier', config, { readiness: { notifier: () => ready } });
  // Read once at start: a changed subscription takes effect when the service restarts (a new task set in ECS).
  const subscriptions = config.NOTIFIER_SUBSCRIPTIONS_FILE
    ? loadSubscriptionsFile(config.NOTIFIER_SUBSCRIPTIONS_FILE, process.env)
    : subscriptionsFromRegistry(
        (await (config.PARTNERS_OBJECT_KEY ? registryFromObjectStore(rt.store, config.PARTNERS_OBJECT_KEY) : registryFromFile(config.PARTNERS_FILE)).current()).document,
        fileSecretReader(process.env),
      );
  // The notifier limits alerts per kind and endpoint (NOTIFIER_ALERT_INTERVAL_MS); the sink adds no window of its own.
  const alerts = createAlerts({ topicArn: config.ALERT_TOPIC_ARN, logger: rt.logger, minIntervalMs: 0 });
  const notifier = createNotifier({
    bus: rt.bus,
    store: rt.store,
    logger: rt.logger,
    registry: rt.registry,
    subscriptions,
    alerts,
    tracking: rt.tracking,
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
