/** Wiring only: the ingest service as its own process (ECS Fargate service). */
import { readFile } from 'node:fs/promises';
import { SNSClient } from '@aws-sdk/client-sns';
import { loadConfigOrExit } from '@ediflow/config';
import { describeError } from '@ediflow/errors';
import { createRuntime, runService } from '@ediflow/runtime';
import { registryFromFile } from '@ediflow/partners';
import { createLogAlerts, createSnsAlerts } from '@ediflow/alerts';
import { loadPrivateKey } from '@ediflow/pgp';
import { ingestConfigSchema } from './config';
import { createPgpDecryptor } from './adapters/pgp-decryptor';
import { createIngestService } from './service';

async function main(): Promise<void> {
  const config = loadConfigOrExit(ingestConfigSchema, process.env, 'ingest');
  const rt = createRuntime('ingest', config);
  const privateKey = await loadPrivateKey(await readFile(config.PGP_PRIVATE_KEY_FILE, 'utf8'), config.PGP_PASSPHRASE);
  const alerts = config.ALERT_TOPIC_ARN
    ? createSnsAlerts({ client: new SNSClient({}), topicArn: config.ALERT_TOPIC_ARN, logger: rt.logger })
    : createLogAlerts(rt.logger);
  const service = createIngestService({
    store: rt.store,
    bus: rt.bus,
    logger: rt.logger,
    registry: rt.registry,
    partners: registryFromFile(config.PARTNERS_FILE),
    decryptor: createPgpDecryptor({ privateKey, maxDecompressedBytes: config.INGEST_MAX_FILE_BYTES }),
    alerts,
    bucket: config.S3_BUCKET,
    maxFileBytes: config.INGEST_MAX_FILE_BYTES,
    pollIntervalMs: config.INGEST_POLL_INTERVAL_MS,
    concurrency: config.INGEST_CONCURRENCY,
    inlineLimitBytes: config.MESSAGE_INLINE_LIMIT_BYTES,
  });
  await runService(rt, config, service);
}

main().catch((err: unknown) => {
  process.stderr.write(`ingest: failed to start: ${describeError(err).code}\n`);
  process.exit(1);
});
