/** Wiring only: the console as its own process (ECS Fargate service behind the ALB's OIDC rule). */
import { randomBytes } from 'node:crypto';
import { ConfigError, describeError } from '@ediflow/errors';
import { createLogger } from '@ediflow/logger';
import { createHttpApp } from '@ediflow/http';
import { createLifecycle } from '@ediflow/lifecycle';
import { createObjectStore } from '@ediflow/store';
import { storeConfigFrom } from '@ediflow/runtime';
import { brokerList, loadConsoleConfig, oidcSettings, serviceList, type ConsoleConfig } from './config';
import { activeMqSources } from './adapters/activemq-stats';
import { createAlbOidcVerifier } from './adapters/alb-oidc';
import { createConsoleService } from './service';

async function main(): Promise<void> {
  let config: ConsoleConfig;
  try {
    config = loadConsoleConfig(process.env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`console: ${err.message}\n`);
    process.exit(1);
  }
  const logger = createLogger({ service: 'console', level: config.LOG_LEVEL });
  const store = createObjectStore(storeConfigFrom(config));
  const http = createHttpApp({ logger, readiness: { store: () => store.isReady() } });
  const lifecycle = createLifecycle({ logger });
  const oidc = oidcSettings(config);
  if (!config.CONSOLE_SESSION_SECRET) logger.warn('CONSOLE_SESSION_SECRET is unset: sessions end when this process does and are not shared between replicas');
  const service = createConsoleService({
    logger,
    store,
    tracking: { baseUrl: config.CONSOLE_TRACKING_URL, token: config.CONSOLE_TRACKING_TOKEN },
    deadLetters: { baseUrl: config.CONSOLE_NOTIFIER_URL, token: config.CONSOLE_NOTIFIER_TOKEN },
    brokers: activeMqSources(brokerList(config.CONSOLE_BROKERS), { login: config.BROKER_LOGIN, passcode: config.BROKER_PASSCODE }),
    services: serviceList(config.CONSOLE_SERVICES),
    access: {
      secret: config.CONSOLE_SESSION_SECRET ? Buffer.from(config.CONSOLE_SESSION_SECRET) : randomBytes(32),
      operatorToken: config.CONSOLE_OPERATOR_TOKEN,
      readOnlyToken: config.CONSOLE_READ_ONLY_TOKEN,
    },
    oidc: oidc && { verify: createAlbOidcVerifier(oidc), groups: oidc.groups },
    sampleIntervalMs: config.CONSOLE_SAMPLE_INTERVAL_MS,
    secureCookies: config.CONSOLE_SECURE_COOKIES,
  });
  http.app.use(service.router);
  http.finish();
  lifecycle.install();
  lifecycle.onShutdown('stop sampling', () => service.stop());
  lifecycle.onShutdown('close http', () => http.close());
  await http.listen(config.HTTP_PORT, config.HTTP_HOST);
  await service.start();
  logger.info({ port: config.HTTP_PORT, brokers: brokerList(config.CONSOLE_BROKERS).length, oidc: oidc !== undefined }, 'console started');
}

main().catch((err: unknown) => {
  process.stderr.write(`console: failed to start: ${describeError(err).code}\n`);
  process.exit(1);
});
