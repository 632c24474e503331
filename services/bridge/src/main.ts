/** Wiring only: the bridge as its own process (ECS Fargate service). */
import { Registry } from 'prom-client';
import { createAlerts } from '@ediflow/alerts';
import { loadConfigOrExit } from '@ediflow/config';
import { ConfigError, describeError } from '@ediflow/errors';
import { createHttpApp } from '@ediflow/http';
import { createLifecycle } from '@ediflow/lifecycle';
import { createLogger } from '@ediflow/logger';
import { bridgeConfigSchema } from './config';
import { loadRoutesFile, parseRoutesText } from './adapters/routes-file';
import { createBridgeService } from './service';

async function main(): Promise<void> {
  const config = loadConfigOrExit(bridgeConfigSchema, process.env, 'bridge');
  const logger = createLogger({ service: 'bridge', level: config.LOG_LEVEL });
  const registry = new Registry();
  const alerts = createAlerts({ topicArn: config.ALERT_TOPIC_ARN, logger });
  const service = createBridgeService({
    routes: config.BRIDGE_ROUTES === undefined ? loadRoutesFile(config.BRIDGE_ROUTES_FILE) : parseRoutesText(config.BRIDGE_ROUTES),
    logger,
    registry,
    alerts,
    busOptions: {
      heartbeatMs: config.BRIDGE_HEARTBEAT_MS,
      publishTimeoutMs: config.BRIDGE_SEND_TIMEOUT_MS,
      reconnectMaxDelayMs: config.BRIDGE_RECONNECT_MAX_DELAY_MS,
      closeTimeoutMs: config.BRIDGE_CLOSE_TIMEOUT_MS,
    },
    retryMaxDelayMs: config.BRIDGE_RETRY_MAX_DELAY_MS,
  });
  const http = createHttpApp({ logger, registry, readiness: { brokers: () => service.isReady() } });
  const lifecycle = createLifecycle({ logger });
  lifecycle.install();
  lifecycle.onShutdown('stop bridging', () => service.stop());
  lifecycle.onShutdown('close http', () => http.close());
  try {
    http.finish();
    await http.listen(config.HTTP_PORT, config.HTTP_HOST);
    await service.start();
    logger.info({ port: config.HTTP_PORT }, 'service started');
  } catch (err) {
    logger.fatal({ err: describeError(err) }, 'service failed to start');
    await lifecycle.shutdown('start failed', { failed: true });
  }
}

main().catch((err: unknown) => {
  // ConfigError messages name variables and paths, never values.
  process.stderr.write(`bridge: failed to start: ${err instanceof ConfigError ? err.message : describeError(err).code}\n`);
  process.exit(1);
});
