/**
 * `npm start`: the whole pipeline in one process on embedded defaults — object store under
 * ./var/store, the embedded bus with its journal under ./var/bus, a demo partner, and a demo
 * callback receiver that writes every callback to var/callbacks/. Every setting the services
 * document applies here too (settings.ts); with BROKER_URL / STORE_KIND set, the same services
 * run against a real broker and S3.
 */
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { ConfigError, describeError } from '@ediflow/errors';
import { createRuntime } from '@ediflow/runtime';
import { registryFromFile, registryFromObjectStore } from '@ediflow/partners';
import { loadPlatformKeyFromConfig } from '@ediflow/platform-key';
import { createAlerts } from '@ediflow/alerts';
import {
  envSecretReader, fileSecretReader, loadSubscriptionsFile, parseSubscriptions, subscriptionsFromRegistry, verifyWebhook, type SubscriptionsDocument,
} from '@ediflow/notifier';
import { MemoryBus } from '@ediflow/bus';
import { createBridgeService, loadRoutesFile, parseRoutes, parseRoutesText } from '@ediflow/bridge';
import { cipherLimitFor, createSubmissionRouter, ensureSftpHostKey, startSftpServer, type SftpServer } from '@ediflow/ingest';
import { createPipeline } from './pipeline';
import { startCallbackSink } from './callback-sink';
import { DEMO_PARTNER_ID, DEMO_SECRET_ENV, DEMO_SUBSCRIPTION_ID, demoSubscription, ensureLocalSetup, readCallbackSecret } from './setup';
import { planLocal, type LocalPlan } from './settings';
import { createTrackingService, openPgliteDb, openPostgresDb } from '@ediflow/tracking-service';
import { createHttpApp } from '@ediflow/http';
import { activeMqSources, createAlbOidcVerifier, createConsoleService, memoryBusSource, type ConsoleService } from '@ediflow/console';

const DEMO_ROUTES = {
  endpoints: { onprem: { urls: ['memory'], brokerId: 'onprem-demo' }, cloud: { urls: ['memory'], brokerId: 'cloud-demo' } },
  routes: [
    { name: 'demo-onprem-to-cloud', from: { endpoint: 'onprem', destination: '/queue/CLAIMS.OUTBOUND' }, to: { endpoint: 'cloud', destination: '/queue/edi.bridge.inbound' } },
  ],
};

/**
 * The registry's subscriptions, with the demo partner's demo subscription pointed at the local
 * receiver's address (DEMO_SINK_PORT may differ from the one the registry was written with),
 * and added when a registry from an older setup has none.
 */
function withDemoReceiver(doc: SubscriptionsDocument, url: string): SubscriptionsDocument {
  const others = doc.subscriptions.filter((s) => s.id !== DEMO_SUBSCRIPTION_ID);
  const [demo] = parseSubscriptions({ version: 1, subscriptions: [{ ...demoSubscription(url), partnerId: DEMO_PARTNER_ID }] }, envSecretReader(process.env)).subscriptions;
  return { ...doc, subscriptions: [...others, demo] };
}

/** A bearer token kept under the home (made on first start, mode 0600): tracking's API, the console's roles, the dead-letter admin. */
async function ensureToken(file: string): Promise<string> {
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const token = randomBytes(32).toString('base64url');
  await writeFile(file, `${token}\n`, { mode: 0o600 });
  return token;
}

function loadPlan(): LocalPlan {
  try {
    return planLocal(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`ediflow: ${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
}

async function main(): Promise<void> {
  const plan = loadPlan();
  const config = plan.runtime;
  // Several services share the shutdown's 25 s: a handler still running after 8 s is left to be redone after a restart.
  const rt = createRuntime('ediflow', config, { busCloseTimeoutMs: 8_000 });
  const { logger, bus, store, registry, lifecycle, http } = rt;
  const say = (line: string) => process.stdout.write(`${line}\n`);

  let callbacks = 0;
  const sinkState: { secret?: string } = {};
  const sink = await startCallbackSink({
    dir: plan.paths.callbacks,
    port: plan.demo.sinkPort,
    verify: (headers, body) => sinkState.secret !== undefined && verifyWebhook({ headers, body, secrets: [sinkState.secret] }).ok,
    onCallback: ({ file, type, summary }) => {
      callbacks += 1;
      say(`callback #${callbacks}  ${type} ${summary}  -> ${path.relative(process.cwd(), file)}`);
    },
  });
  const { paths, created } = await ensureLocalSetup(plan.paths, sink.url);
  sinkState.secret = await readCallbackSecret(paths);
  process.env[DEMO_SECRET_ENV] = sinkState.secret;

  const partners = plan.partners.kind === 'object' ? registryFromObjectStore(store, plan.partners.key) : registryFromFile(plan.partners.path);
  const subscriptions = plan.subscriptionsFile
    ? loadSubscriptionsFile(plan.subscriptionsFile, process.env)
    : withDemoReceiver(subscriptionsFromRegistry((await partners.current()).document, fileSecretReader(process.env)), sink.url);
  const alerts = createAlerts({ topicArn: plan.alertTopicArn, logger });
  const trackingToken = plan.tracking.apiToken ?? (await ensureToken(plan.tracking.apiTokenFile));
  // The console replays dead letters through the notifier's admin routes, so npm start always mounts them.
  const replayToken = plan.notifier.replayToken ?? (await ensureToken(plan.console.replayTokenFile));
  const trackingDb = plan.tracking.database.kind === 'embedded' ? await openPgliteDb(plan.tracking.database.dir) : openPostgresDb(plan.tracking.database);
  const tracking = createTrackingService({
    db: trackingDb,
    bus,
    objectStore: store,
    logger: logger.child({ component: 'tracking' }),
    registry,
    apiToken: trackingToken,
    retentionDays: plan.tracking.retentionDays,
    maintenanceIntervalMs: plan.tracking.maintenanceIntervalMs,
  });
  const pipeline = createPipeline({
    bus,
    store,
    logger,
    registry,
    partners,
    alerts,
    tracking: rt.tracking,
    platformKey: await loadPlatformKeyFromConfig(plan.platformKey, config.S3_REGION, store),
    subscriptions,
    bucket: config.S3_BUCKET,
    inlineLimitBytes: config.MESSAGE_INLINE_LIMIT_BYTES,
    ingest: plan.ingest,
    translator: plan.translator,
    notifier: { ...plan.notifier, replayToken },
  });

  // The bridge: BRIDGE_ROUTES_FILE names real brokers; otherwise one demo route from an
  // in-memory "on-prem" queue into this pipeline's bus (standing in for Amazon MQ).
  const onprem = new MemoryBus({ logger });
  const busOptions = {
    heartbeatMs: plan.bridge.heartbeatMs,
    publishTimeoutMs: plan.bridge.sendTimeoutMs,
    reconnectMaxDelayMs: plan.bridge.reconnectMaxDelayMs,
    closeTimeoutMs: plan.bridge.closeTimeoutMs,
  };
  const realRoutes = plan.bridge.routesJson !== undefined ? parseRoutesText(plan.bridge.routesJson) : plan.bridge.routesFile !== undefined ? loadRoutesFile(plan.bridge.routesFile) : undefined;
  const bridge = realRoutes
    ? createBridgeService({ routes: realRoutes, logger, registry, alerts, busOptions, retryMaxDelayMs: plan.bridge.retryMaxDelayMs })
    : createBridgeService({
        routes: parseRoutes(DEMO_ROUTES, 'demo routes'),
        logger,
        registry,
        alerts,
        retryMaxDelayMs: plan.bridge.retryMaxDelayMs,
        connect: (ep) => (ep.name === 'onprem' ? onprem : bus),
      });

  const consoleHttp = createHttpApp({ logger, readiness: {}, defaultMetrics: false });
  lifecycle.install();
  const started: { sftp?: SftpServer; console?: ConsoleService } = {};
  // Stopping intake, the bridge and the pipeline at once keeps the whole stop well inside its 25 s.
  lifecycle.onShutdown('stop sftp, bridge and pipeline', async () => {
    await Promise.all([started.sftp?.close(), bridge.stop(), pipeline.stop()]);
  });
  lifecycle.onShutdown('stop tracking', () => tracking.stop());
  lifecycle.onShutdown('close on-prem stand-in', () => onprem.close());
  lifecycle.onShutdown('close bus', () => bus.close());
  lifecycle.onShutdown('stop console', async () => {
    await started.console?.stop();
    await consoleHttp.close();
  });
  lifecycle.onShutdown('close http', () => http.close());
  lifecycle.onShutdown('close callback receiver', () => sink.close());

  if (pipeline.notifier.router) http.app.use('/admin', pipeline.notifier.router);
  if (tracking.router) http.app.use(tracking.router);
  if (plan.ingest.httpSubmission) {
    http.app.use(
      createSubmissionRouter({ store, partners, logger, bucket: config.S3_BUCKET, maxFileBytes: plan.ingest.maxFileBytes, onUpload: () => pipeline.ingest.trigger() }),
    );
  }
  http.finish();
  const apiPort = ((await http.listen(config.HTTP_PORT, config.HTTP_HOST)).address() as AddressInfo).port;
  await bus.connect();
  await onprem.connect();
  await tracking.start();
  await pipeline.start();
  await bridge.start();
  const sftp = await startSftpServer({
    store,
    partners,
    logger,
    hostKeys: [await ensureSftpHostKey(plan.sftp.hostKeyFile)],
    host: plan.sftp.host,
    port: plan.sftp.port,
    serverId: plan.sftp.serverId,
    authTimeoutMs: plan.sftp.authTimeoutMs,
    maxConnections: plan.sftp.maxConnections,
    maxConnectionsPerAddress: plan.sftp.maxConnectionsPerAddress,
    maxAuthAttempts: plan.sftp.maxAuthAttempts,
    maxUploadBytes: cipherLimitFor(plan.ingest.maxFileBytes),
    onUpload: () => pipeline.ingest.trigger(),
  });
  started.sftp = sftp;

  // The ops console on its own loopback port, reading this process's tracking API, dead-letter
  // admin, /metrics and bus (or the broker of BROKER_URL) like the console service does in AWS.
  const loopback = config.HTTP_HOST === '0.0.0.0' || config.HTTP_HOST === '::' ? '127.0.0.1' : config.HTTP_HOST;
  const self = `http://${loopback.includes(':') ? `[${loopback}]` : loopback}:${apiPort}`;
  const operatorToken = plan.console.operatorToken ?? (await ensureToken(plan.console.operatorTokenFile));
  const readOnlyToken = plan.console.readOnlyToken ?? (await ensureToken(plan.console.readOnlyTokenFile));
  const pipelineBroker =
    bus instanceof MemoryBus ? memoryBusSource(config.BROKER_URL, bus) : activeMqSources([{ name: 'pipeline', url: config.BROKER_URL }], { login: config.BROKER_LOGIN, passcode: config.BROKER_PASSCODE })[0];
  const opsConsole = createConsoleService({
    logger: logger.child({ component: 'console' }),
    store,
    tracking: { baseUrl: self, token: trackingToken },
    deadLetters: { baseUrl: `${self}/admin`, token: replayToken },
    brokers: [pipelineBroker, ...activeMqSources(plan.console.brokers, { login: config.BROKER_LOGIN, passcode: config.BROKER_PASSCODE })],
    services: plan.console.services.length > 0 ? plan.console.services : [{ name: 'ediflow', url: self }],
    access: { secret: plan.console.sessionSecret ? Buffer.from(plan.console.sessionSecret) : randomBytes(32), operatorToken, readOnlyToken },
    oidc: plan.console.oidc && { verify: createAlbOidcVerifier(plan.console.oidc), groups: plan.console.oidc.groups },
    sampleIntervalMs: plan.console.sampleIntervalMs,
    secureCookies: plan.console.secureCookies,
  });
  consoleHttp.app.use(opsConsole.router);
  consoleHttp.finish();
  const consolePort = ((await consoleHttp.listen(plan.console.port, config.HTTP_HOST)).address() as AddressInfo).port;
  started.console = opsConsole;
  await opsConsole.start();

  const rel = (p: string) => path.relative(process.cwd(), p) || '.';
  const busLine: Record<string, string> = {
    embedded: `embedded, journal in ${rel(config.BUS_DIR)} (a crash loses nothing; BROKER_URL=stomp://127.0.0.1:61613 for ActiveMQ)`,
    memory: 'in-memory, nothing survives a stop (BROKER_URL=embedded keeps a journal)',
  };
  const api = `http://${config.HTTP_HOST}:${apiPort}`;
  say('');
  say('ediflow is running: ingest -> translator -> notifier, all in this process.');
  say(`  bus            ${busLine[config.BROKER_URL] ?? 'STOMP broker from BROKER_URL'}`);
  say(`  object store   ${config.STORE_KIND === 'embedded' ? rel(config.STORE_ROOT) : `s3://${config.S3_BUCKET}`}`);
  say(`  demo partner   ${DEMO_PARTNER_ID} (keys in ${rel(paths.keys)}, registry ${plan.partners.kind === 'file' ? rel(plan.partners.path) : `object ${plan.partners.key}`})`);
  say(`  callbacks      ${sink.url} -> ${rel(paths.callbacks)}/`);
  say(
    realRoutes
      ? `  bridge         routes from ${plan.bridge.routesJson !== undefined ? 'BRIDGE_ROUTES' : plan.bridge.routesFile}`
      : '  bridge         demo route: in-memory on-prem /queue/CLAIMS.OUTBOUND -> /queue/edi.bridge.inbound (set BRIDGE_ROUTES_FILE for real brokers)',
  );
  say(
    `  sftp           sftp -i ${rel(paths.partnerSsh)} -P ${sftp.port} -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null ${DEMO_PARTNER_ID}@${plan.sftp.host}  (put <file>.pgp /inbound/)`,
  );
  if (plan.ingest.httpSubmission) say(`  http upload    POST ${api}/v1/files  (a partner bearer token)`);
  const tokenRef = (variable: string, value: string | undefined, file: string) => (value !== undefined ? `$${variable}` : `$(cat ${rel(file)})`);
  say(`  console        http://${config.HTTP_HOST}:${consolePort}/  sign in with the token in ${plan.console.operatorToken !== undefined ? 'CONSOLE_OPERATOR_TOKEN' : rel(plan.console.operatorTokenFile)} (operator) or ${plan.console.readOnlyToken !== undefined ? 'CONSOLE_READ_ONLY_TOKEN' : rel(plan.console.readOnlyTokenFile)} (read-only)`);
  say(`  dead letters   ${api}/admin/deadletters  (bearer ${tokenRef('NOTIFIER_REPLAY_TOKEN', plan.notifier.replayToken, plan.console.replayTokenFile)})`);
  say(`  tracking       ${api}/v1/files  /v1/claims?claimNumber=...  /v1/openapi.json  (${plan.tracking.database.kind === 'embedded' ? `database in ${rel(plan.tracking.database.dir)}` : 'PostgreSQL'})`);
  const bearer = tokenRef('TRACKING_API_TOKEN', plan.tracking.apiToken, plan.tracking.apiTokenFile);
  say(`                 curl -H "Authorization: Bearer ${bearer}" ${api}/v1/files`);
  say(`  health         ${api}/healthz  /readyz  /metrics`);
  if (created.length > 0) say(`  first run: created ${created.map(rel).join(', ')}`);
  say('');
  say('Next, in another terminal, send a file as the demo partner:');
  say('  npm run demo -- ../shared/corpus/837P/<file>');
  say('or encrypt it for an SFTP upload: npm run demo -- --out claims.pgp <file>, then use the sftp command above.');
  say(`Each transaction set arrives as one JSON callback in ${rel(paths.callbacks)}/. Ctrl-C stops; work not finished is done after the next start.`);
  say('');
}

main().catch((err: unknown) => {
  const { code, message } = describeError(err);
  process.stderr.write(`ediflow: failed to start: ${code}: ${message}\n`);
  process.exit(1);
});
