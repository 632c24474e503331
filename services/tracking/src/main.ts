/** Wiring only: the tracking service as its own process (ECS Fargate service). */
import { loadConfigOrExit } from '@ediflow/config';
import { describeError } from '@ediflow/errors';
import { createRuntime, runService } from '@ediflow/runtime';
import { trackingConfigSchema, databaseSettings } from './config';
import { openPgliteDb, openPostgresDb } from './adapters/db';
import { createTrackingService } from './service';

async function main(): Promise<void> {
  const config = loadConfigOrExit(trackingConfigSchema, process.env, 'tracking');
  let ready = () => false;
  const rt = createRuntime('tracking', config, { readiness: { database: () => ready() } });
  const settings = databaseSettings(config);
  const db = settings.kind === 'embedded' ? await openPgliteDb(settings.dir) : openPostgresDb(settings);
  const service = createTrackingService({
    db,
    bus: rt.bus,
    objectStore: rt.store,
    logger: rt.logger,
    registry: rt.registry,
    apiToken: config.TRACKING_API_TOKEN,
    retentionDays: config.TRACKING_RETENTION_DAYS,
    maintenanceIntervalMs: config.TRACKING_MAINTENANCE_INTERVAL_MS,
  });
  ready = service.isReady;
  if (service.router) rt.http.app.use(service.router);
  else rt.logger.warn('TRACKING_API_TOKEN is unset: the tracking API is off');
  await runService(rt, config, service);
}

main().catch((err: unknown) => {
  process.stderr.write(`tracking: failed to start: ${describeError(err).code}\n`);
  process.exit(1);
});
