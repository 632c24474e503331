/** Wiring only: the translator as its own process (ECS Fargate service). */
import { loadConfigOrExit } from '@ediflow/config';
import { describeError } from '@ediflow/errors';
import { createRuntime, runService } from '@ediflow/runtime';
import { registryFromFile, registryFromObjectStore } from '@ediflow/partners';
import { createAlerts } from '@ediflow/alerts';
import { loadPlatformKeyFromConfig } from '@ediflow/platform-key';
import { translatorConfigSchema } from './config';
import { createPgpOutboundEncryptor } from './adapters/pgp-outbound';
import { createTranslatorService } from './service';

async function main(): Promise<void> {
  const config = loadConfigOrExit(translatorConfigSchema, process.env, 'translator');
  const rt = createRuntime('translator', config);
  const signingKey = await loadPlatformKeyFromConfig(config, config.S3_REGION, rt.store);
  const alerts = createAlerts({ topicArn: config.ALERT_TOPIC_ARN, logger: rt.logger });
  const service = createTranslatorService({
    store: rt.store,
    bus: rt.bus,
    logger: rt.logger,
    registry: rt.registry,
    partners: config.PARTNERS_OBJECT_KEY ? registryFromObjectStore(rt.store, config.PARTNERS_OBJECT_KEY) : registryFromFile(config.PARTNERS_FILE),
    alerts,
    tracking: rt.tracking,
    encryptOutbound: createPgpOutboundEncryptor(signingKey),
    inlineLimitBytes: config.MESSAGE_INLINE_LIMIT_BYTES,
    prefetch: config.TRANSLATOR_PREFETCH,
    threads: config.TRANSLATOR_THREADS,
    maxAttempts: config.TRANSLATOR_MAX_ATTEMPTS,
    retryBaseDelayMs: config.TRANSLATOR_RETRY_BASE_DELAY_MS,
  });
  await runService(rt, config, service);
}

main().catch((err: unknown) => {
  process.stderr.write(`translator: failed to start: ${describeError(err).code}\n`);
  process.exit(1);
});
