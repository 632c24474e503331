/**
 * `npm start`: the whole pipeline in one process on embedded defaults — object store
 * under ./var/store, in-memory bus, a demo partner, and a demo callback receiver that
 * writes every callback to var/callbacks/. With BROKER_URL / STORE_KIND set, the same
 * services run against a real broker and S3.
 */
import path from 'node:path';
import { readFile } from 'node:fs/promises';
import { commonEnvShape, envInt, envPort, loadConfigOrExit, z } from '@ediflow/config';
import { describeError } from '@ediflow/errors';
import { createRuntime } from '@ediflow/runtime';
import { registryFromFile } from '@ediflow/partners';
import { loadPrivateKey } from '@ediflow/pgp';
import { envSecretReader, fileSecretReader, parseSubscriptions, subscriptionsFromRegistry, verifyWebhook, type SubscriptionsDocument } from '@ediflow/notifier';
import { MemoryBus } from '@ediflow/bus';
import { createBridgeService, loadRoutesFile, parseRoutes } from '@ediflow/bridge';
import { createPipeline } from './pipeline';
import { startCallbackSink } from './callback-sink';
import { DEMO_PARTNER_ID, DEMO_SECRET_ENV, DEMO_SUBSCRIPTION_ID, demoSubscription, ensureLocalSetup, localEnvShape, readCallbackSecret, resolveLocalHome } from './setup';
import { ensureSftpHostKey, startSftpServer, type SftpServer } from '@ediflow/ingest';

const DEMO_ROUTES = {
  endpoints: { onprem: { urls: ['memory'], brokerId: 'onprem-demo' }, cloud: { urls: ['memory'], brokerId: 'cloud-demo' } },
  routes: [
    { name: 'demo-onprem-to-cloud', from: { endpoint: 'onprem', destination: '/queue/CLAIMS.OUTBOUND' }, to: { endpoint: 'cloud', destination: '/queue/edi.bridge.inbound' } },
  ],
};

const localSchema = z.object({
  ...commonEnvShape,
  LOG_LEVEL: commonEnvShape.LOG_LEVEL.default('warn'),
  ...localEnvShape,
  DEMO_SINK_PORT: envPort(8099),
  INGEST_POLL_INTERVAL_MS: envInt(250, 50),
  BRIDGE_ROUTES_FILE: z.string().optional(),
  SFTP_PORT: envPort(2222),
});

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

async function main(): Promise<void> {
  const { home, config } = resolveLocalHome(loadConfigOrExit(localSchema, process.env, 'ediflow'), process.env);
  const rt = createRuntime('ediflow', config);
  const { logger, bus, store, registry, lifecycle, http } = rt;
  const say = (line: string) => process.stdout.write(`${line}\n`);

  let callbacks = 0;
  const sinkState: { secret?: string } = {};
  const sink = await startCallbackSink({
    dir: path.join(home, 'callbacks'),
    port: config.DEMO_SINK_PORT,
    verify: (headers, body) => sinkState.secret !== undefined && verifyWebhook({ headers, body, secrets: [sinkState.secret] }).ok,
    onCallback: ({ file, type, summary }) => {
      callbacks += 1;
      say(`callback #${callbacks}  ${type} ${summary}  -> ${path.relative(process.cwd(), file)}`);
    },
  });
  const { paths, created } = await ensureLocalSetup(home, sink.url);
  sinkState.secret = await readCallbackSecret(paths);
  process.env[DEMO_SECRET_ENV] = sinkState.secret;

  const partners = registryFromFile(paths.partners);
  const pipeline = createPipeline({
    bus,
    store,
    logger,
    registry,
    partners,
    platformKey: await loadPrivateKey(await readFile(paths.platformPrivate, 'utf8')),
    subscriptions: withDemoReceiver(subscriptionsFromRegistry((await partners.current()).document, fileSecretReader(process.env)), sink.url),
    bucket: config.S3_BUCKET,
    pollIntervalMs: config.INGEST_POLL_INTERVAL_MS,
    inlineLimitBytes: config.MESSAGE_INLINE_LIMIT_BYTES,
  });

  // The bridge: BRIDGE_ROUTES_FILE names real brokers; otherwise one demo route from an
  // in-memory "on-prem" queue into this pipeline's bus (standing in for Amazon MQ).
  const onprem = new MemoryBus({ logger });
  const bridge = config.BRIDGE_ROUTES_FILE
    ? createBridgeService({ routes: loadRoutesFile(config.BRIDGE_ROUTES_FILE), logger, registry })
    : createBridgeService({ routes: parseRoutes(DEMO_ROUTES, 'demo routes'), logger, registry, connect: (ep) => (ep.name === 'onprem' ? onprem : bus) });

  lifecycle.install();
  const started: { sftp?: SftpServer } = {};
  lifecycle.onShutdown('close sftp', async () => started.sftp?.close());
  lifecycle.onShutdown('stop bridge', () => bridge.stop());
  lifecycle.onShutdown('stop pipeline', () => pipeline.stop());
  lifecycle.onShutdown('close on-prem stand-in', () => onprem.close());
  lifecycle.onShutdown('close bus', () => bus.close());
  lifecycle.onShutdown('close http', () => http.close());
  lifecycle.onShutdown('close callback receiver', () => sink.close());

  if (pipeline.notifier.router) http.app.use('/admin', pipeline.notifier.router);
  http.finish();
  await http.listen(config.HTTP_PORT, config.HTTP_HOST);
  await bus.connect();
  await onprem.connect();
  await pipeline.start();
  await bridge.start();
  const sftp = await startSftpServer({
    store,
    partners,
    logger,
    hostKeys: [await ensureSftpHostKey(paths.sftpHostKey)],
    host: '127.0.0.1',
    port: config.SFTP_PORT,
    serverId: 's-local',
    onUpload: () => pipeline.ingest.trigger(),
  });
  started.sftp = sftp;

  const rel = (p: string) => path.relative(process.cwd(), p) || '.';
  say('');
  say('ediflow is running: ingest -> translator -> notifier, all in this process.');
  say(`  bus            ${config.BROKER_URL === 'memory' ? 'in-memory (set BROKER_URL=stomp://127.0.0.1:61613 for ActiveMQ)' : 'STOMP broker from BROKER_URL'}`);
  say(`  object store   ${config.STORE_KIND === 'embedded' ? rel(config.STORE_ROOT) : `s3://${config.S3_BUCKET}`}`);
  say(`  demo partner   demo-partner (keys in ${rel(paths.keys)}, registry ${rel(paths.partners)})`);
  say(`  callbacks      ${sink.url} -> ${rel(paths.callbacks)}/`);
  say(
    config.BRIDGE_ROUTES_FILE
      ? `  bridge         routes from ${config.BRIDGE_ROUTES_FILE}`
      : '  bridge         demo route: in-memory on-prem /queue/CLAIMS.OUTBOUND -> /queue/edi.bridge.inbound (set BRIDGE_ROUTES_FILE for real brokers)',
  );
  say(
    `  sftp           sftp -i ${rel(paths.partnerSsh)} -P ${sftp.port} -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null ${DEMO_PARTNER_ID}@127.0.0.1  (put <file>.pgp /inbound/)`,
  );
  say(`  health         http://${config.HTTP_HOST}:${config.HTTP_PORT}/healthz  /readyz  /metrics`);
  if (created.length > 0) say(`  first run: created ${created.map(rel).join(', ')}`);
  say('');
  say('Next, in another terminal, send a file as the demo partner:');
  say('  npm run demo -- ../shared/corpus/837P/<file>');
  say('or encrypt it for an SFTP upload: npm run demo -- --out claims.pgp <file>, then use the sftp command above.');
  say('Each transaction set arrives as one JSON callback in var/callbacks/. Ctrl-C stops.');
  say('');
}

main().catch((err: unknown) => {
  const { code, message } = describeError(err);
  process.stderr.write(`ediflow: failed to start: ${code}: ${message}\n`);
  process.exit(1);
});
