/** Wiring only: the ingest service as its own process (ECS Fargate service, or on-premises with the embedded SFTP server). */
import { loadConfigOrExit } from '@ediflow/config';
import { describeError } from '@ediflow/errors';
import { createRuntime, runService } from '@ediflow/runtime';
import { registryFromFile, registryFromObjectStore } from '@ediflow/partners';
import { createAlerts } from '@ediflow/alerts';
import { loadPlatformKeyFromConfig } from '@ediflow/platform-key';
import { ingestConfigSchema } from './config';
import { createPgpDecryptor } from './adapters/pgp-decryptor';
import { createIngestService } from './service';
import { cipherLimitFor } from './domain/ingest-file';
import { createSubmissionRouter } from './entry-points/http-submission';
import { ensureSftpHostKey, startSftpServer, type SftpServer } from './entry-points/sftp-server';

async function main(): Promise<void> {
  const config = loadConfigOrExit(ingestConfigSchema, process.env, 'ingest');
  const rt = createRuntime('ingest', config);
  const privateKey = await loadPlatformKeyFromConfig(config, config.S3_REGION, rt.store);
  const alerts = createAlerts({ topicArn: config.ALERT_TOPIC_ARN, logger: rt.logger });
  const partners = config.PARTNERS_OBJECT_KEY ? registryFromObjectStore(rt.store, config.PARTNERS_OBJECT_KEY) : registryFromFile(config.PARTNERS_FILE);
  const ingest = createIngestService({
    store: rt.store,
    bus: rt.bus,
    logger: rt.logger,
    registry: rt.registry,
    partners,
    decryptor: createPgpDecryptor({ privateKey, maxDecompressedBytes: config.INGEST_MAX_FILE_BYTES, maxExpansionRatio: config.INGEST_MAX_EXPANSION_RATIO }),
    alerts,
    tracking: rt.tracking,
    bucket: config.S3_BUCKET,
    maxFileBytes: config.INGEST_MAX_FILE_BYTES,
    pollIntervalMs: config.INGEST_POLL_INTERVAL_MS,
    concurrency: config.INGEST_CONCURRENCY,
    inlineLimitBytes: config.MESSAGE_INLINE_LIMIT_BYTES,
    claimLeaseMs: config.INGEST_CLAIM_LEASE_MS,
    reconcileIntervalMs: config.INGEST_RECONCILE_INTERVAL_MS,
    reconcileAfterMs: config.INGEST_RECONCILE_AFTER_MS,
  });
  if (config.INGEST_HTTP_SUBMISSION) {
    rt.http.app.use(
      createSubmissionRouter({ store: rt.store, partners, logger: rt.logger, bucket: config.S3_BUCKET, maxFileBytes: config.INGEST_MAX_FILE_BYTES, onUpload: () => ingest.trigger() }),
    );
  }
  let sftp: SftpServer | undefined;
  await runService(rt, config, {
    async start() {
      await ingest.start();
      if (config.SFTP_PORT !== undefined) {
        sftp = await startSftpServer({
          store: rt.store,
          partners,
          logger: rt.logger,
          hostKeys: [await ensureSftpHostKey(config.SFTP_HOST_KEY_FILE)],
          host: config.SFTP_HOST,
          port: config.SFTP_PORT,
          serverId: config.SFTP_SERVER_ID,
          maxUploadBytes: cipherLimitFor(config.INGEST_MAX_FILE_BYTES),
          authTimeoutMs: config.SFTP_AUTH_TIMEOUT_MS,
          maxConnections: config.SFTP_MAX_CONNECTIONS,
          maxConnectionsPerAddress: config.SFTP_MAX_CONNECTIONS_PER_ADDRESS,
          maxAuthAttempts: config.SFTP_MAX_AUTH_ATTEMPTS,
          onUpload: () => ingest.trigger(),
        });
      }
    },
    async stop() {
      await sftp?.close();
      await ingest.stop();
    },
  });
}

main().catch((err: unknown) => {
  process.stderr.write(`ingest: failed to start: ${describeError(err).code}\n`);
  process.exit(1);
});
