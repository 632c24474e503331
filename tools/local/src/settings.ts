/**
 * What `npm start` runs with: every setting the four services document (their own schemas,
 * merged), with the defaults a one-process demo wants, turned into the plan that start.ts wires.
 * Pure: `planLocal(env)` is what the README's tables are tested against.
 */
import path from 'node:path';
import { envInt, envPort, loadConfig, z, type CommonConfig, type Env } from '@ediflow/config';
import { ingestConfigSchema } from '@ediflow/ingest';
import { translatorConfigSchema } from '@ediflow/translator';
import { notifierConfigSchema, settingsFromConfig, type NotifierSettings } from '@ediflow/notifier';
import { bridgeConfigSchema } from '@ediflow/bridge';
import { databaseSettings, trackingEnvShape } from '@ediflow/tracking-service';
import { brokerList, consoleEnvShape, oidcSettings, serviceList } from '@ediflow/console';
import { localEnvShape, localPaths, type LocalPaths } from './setup';
import type { IngestSettings, TranslatorSettings } from './pipeline';

/** The services' settings, and the ones `npm start` adds or defaults otherwise (the README's "npm start only" table). */
export const localSchema = z.object({
  ...ingestConfigSchema.shape,
  ...translatorConfigSchema.shape,
  ...notifierConfigSchema.shape,
  ...bridgeConfigSchema.shape,
  ...trackingEnvShape,
  ...consoleEnvShape,
  LOG_LEVEL: ingestConfigSchema.shape.LOG_LEVEL.unwrap().default('warn'),
  ...localEnvShape,
  DEMO_SINK_PORT: envPort(8099),
  INGEST_POLL_INTERVAL_MS: envInt(250, 50),
  SFTP_PORT: envPort(2222),
  TRANSLATOR_RETRY_BASE_DELAY_MS: envInt(500, 0),
  NOTIFIER_RETRY_BASE_MS: envInt(250, 0),
  /** The console's port on HTTP_HOST (its own server: its cookies and headers are its own). */
  CONSOLE_PORT: envPort(8097),
  /** Real routes; without it, one demo route from an in-memory "on-prem" queue. */
  BRIDGE_ROUTES_FILE: z.string().optional(),
});

export type LocalConfig = z.infer<typeof localSchema>;

export interface LocalPlan {
  home: string;
  /** The demo's files, with the ones a variable names instead. */
  paths: LocalPaths;
  /** What createRuntime gets: logging, HTTP, bus, store. */
  runtime: CommonConfig;
  partners: { kind: 'file'; path: string } | { kind: 'object'; key: string };
  platformKey: {
    PGP_PRIVATE_KEY_FILE: string;
    PGP_PASSPHRASE?: string;
    PGP_PRIVATE_KEY_WRAPPED_FILE?: string;
    PGP_PRIVATE_KEY_WRAPPED_OBJECT_KEY?: string;
    PGP_KEY_KMS_CONTEXT?: string;
  };
  alertTopicArn?: string;
  ingest: Omit<IngestSettings, 'stopTimeoutMs'> & { httpSubmission: boolean };
  sftp: { host: string; port: number; hostKeyFile: string; serverId: string; authTimeoutMs: number; maxConnections: number; maxConnectionsPerAddress: number; maxAuthAttempts: number };
  translator: TranslatorSettings;
  notifier: NotifierSettings;
  /** A separate subscriptions document instead of the registry's. */
  subscriptionsFile?: string;
  bridge: {
    routesFile?: string;
    /** The routes document as JSON text (BRIDGE_ROUTES), instead of a file. */
    routesJson?: string;
    heartbeatMs: number;
    sendTimeoutMs: number;
    reconnectMaxDelayMs: number;
    retryMaxDelayMs: number;
    closeTimeoutMs: number;
  };
  demo: { sinkPort: number };
  tracking: {
    database: ReturnType<typeof databaseSettings>;
    /** The API token from TRACKING_API_TOKEN; npm start makes one under the home when unset. */
    apiToken?: string;
    apiTokenFile: string;
    retentionDays: number;
    maintenanceIntervalMs: number;
  };
  console: {
    port: number;
    /** Tokens from the variables; npm start makes the missing ones under the home's keys/. */
    operatorToken?: string;
    readOnlyToken?: string;
    operatorTokenFile: string;
    readOnlyTokenFile: string;
    /** The notifier's dead-letter admin token the console uses when NOTIFIER_REPLAY_TOKEN is unset. */
    replayTokenFile: string;
    sessionSecret?: string;
    sampleIntervalMs: number;
    secureCookies: boolean;
    /** Brokers besides the pipeline's own (CONSOLE_BROKERS). */
    brokers: { name: string; url: string }[];
    /** Services to show; the pipeline's own health port when none is named. */
    services: { name: string; url: string }[];
    oidc: ReturnType<typeof oidcSettings>;
  };
}

/** A path the demo keeps under its home unless the variable names another. */
function underHome(env: Env, name: string, configured: string, inHome: string): string {
  return env[name] === undefined || env[name] === '' ? inHome : configured;
}

/** The plan for `npm start` from the environment (throws ConfigError naming bad variables). */
export function planLocal(env: Env): LocalPlan {
  const c = loadConfig(localSchema, env);
  const home = path.resolve(c.EDIFLOW_HOME);
  const demo = localPaths(home);
  const paths: LocalPaths = {
    ...demo,
    partners: underHome(env, 'PARTNERS_FILE', c.PARTNERS_FILE, demo.partners),
    platformPrivate: underHome(env, 'PGP_PRIVATE_KEY_FILE', c.PGP_PRIVATE_KEY_FILE, demo.platformPrivate),
    sftpHostKey: underHome(env, 'SFTP_HOST_KEY_FILE', c.SFTP_HOST_KEY_FILE, demo.sftpHostKey),
  };
  const runtime: CommonConfig = {
    LOG_LEVEL: c.LOG_LEVEL,
    HTTP_HOST: c.HTTP_HOST,
    HTTP_PORT: c.HTTP_PORT,
    BROKER_URL: c.BROKER_URL,
    BUS_DIR: underHome(env, 'BUS_DIR', c.BUS_DIR, path.join(home, 'bus')),
    BROKER_LOGIN: c.BROKER_LOGIN,
    BROKER_PASSCODE: c.BROKER_PASSCODE,
    STORE_KIND: c.STORE_KIND,
    STORE_ROOT: c.STORE_KIND === 'embedded' ? underHome(env, 'STORE_ROOT', c.STORE_ROOT, demo.store) : c.STORE_ROOT,
    S3_BUCKET: c.S3_BUCKET,
    S3_REGION: c.S3_REGION,
    S3_ENDPOINT: c.S3_ENDPOINT,
    S3_FORCE_PATH_STYLE: c.S3_FORCE_PATH_STYLE,
    S3_SSE_KMS_KEY_ID: c.S3_SSE_KMS_KEY_ID,
    MESSAGE_INLINE_LIMIT_BYTES: c.MESSAGE_INLINE_LIMIT_BYTES,
    ALERT_TOPIC_ARN: c.ALERT_TOPIC_ARN,
    TRACKING_EVENTS: c.TRACKING_EVENTS,
  };
  return {
    home,
    paths,
    runtime,
    partners: c.PARTNERS_OBJECT_KEY !== undefined ? { kind: 'object', key: c.PARTNERS_OBJECT_KEY } : { kind: 'file', path: paths.partners },
    platformKey: {
      PGP_PRIVATE_KEY_FILE: paths.platformPrivate,
      PGP_PASSPHRASE: c.PGP_PASSPHRASE,
      PGP_PRIVATE_KEY_WRAPPED_FILE: c.PGP_PRIVATE_KEY_WRAPPED_FILE,
      PGP_PRIVATE_KEY_WRAPPED_OBJECT_KEY: c.PGP_PRIVATE_KEY_WRAPPED_OBJECT_KEY,
      PGP_KEY_KMS_CONTEXT: c.PGP_KEY_KMS_CONTEXT,
    },
    alertTopicArn: c.ALERT_TOPIC_ARN,
    ingest: {
      pollIntervalMs: c.INGEST_POLL_INTERVAL_MS,
      concurrency: c.INGEST_CONCURRENCY,
      maxFileBytes: c.INGEST_MAX_FILE_BYTES,
      maxExpansionRatio: c.INGEST_MAX_EXPANSION_RATIO,
      claimLeaseMs: c.INGEST_CLAIM_LEASE_MS,
      reconcileIntervalMs: c.INGEST_RECONCILE_INTERVAL_MS,
      reconcileAfterMs: c.INGEST_RECONCILE_AFTER_MS,
      httpSubmission: c.INGEST_HTTP_SUBMISSION,
    },
    sftp: {
      host: c.SFTP_HOST,
      port: c.SFTP_PORT,
      hostKeyFile: paths.sftpHostKey,
      serverId: c.SFTP_SERVER_ID,
      authTimeoutMs: c.SFTP_AUTH_TIMEOUT_MS,
      maxConnections: c.SFTP_MAX_CONNECTIONS,
      maxConnectionsPerAddress: c.SFTP_MAX_CONNECTIONS_PER_ADDRESS,
      maxAuthAttempts: c.SFTP_MAX_AUTH_ATTEMPTS,
    },
    translator: { prefetch: c.TRANSLATOR_PREFETCH, threads: c.TRANSLATOR_THREADS, maxAttempts: c.TRANSLATOR_MAX_ATTEMPTS, retryBaseDelayMs: c.TRANSLATOR_RETRY_BASE_DELAY_MS },
    notifier: settingsFromConfig(c),
    subscriptionsFile: c.NOTIFIER_SUBSCRIPTIONS_FILE,
    bridge: {
      routesFile: c.BRIDGE_ROUTES_FILE,
      routesJson: c.BRIDGE_ROUTES,
      heartbeatMs: c.BRIDGE_HEARTBEAT_MS,
      sendTimeoutMs: c.BRIDGE_SEND_TIMEOUT_MS,
      reconnectMaxDelayMs: c.BRIDGE_RECONNECT_MAX_DELAY_MS,
      retryMaxDelayMs: c.BRIDGE_RETRY_MAX_DELAY_MS,
      closeTimeoutMs: c.BRIDGE_CLOSE_TIMEOUT_MS,
    },
    demo: { sinkPort: c.DEMO_SINK_PORT },
    tracking: {
      database: databaseSettings({ ...c, TRACKING_DIR: underHome(env, 'TRACKING_DIR', c.TRACKING_DIR, path.join(home, 'tracking')) }),
      apiToken: c.TRACKING_API_TOKEN,
      apiTokenFile: path.join(demo.keys, 'tracking-api.token'),
      retentionDays: c.TRACKING_RETENTION_DAYS,
      maintenanceIntervalMs: c.TRACKING_MAINTENANCE_INTERVAL_MS,
    },
    console: {
      port: c.CONSOLE_PORT,
      operatorToken: c.CONSOLE_OPERATOR_TOKEN,
      readOnlyToken: c.CONSOLE_READ_ONLY_TOKEN,
      operatorTokenFile: path.join(demo.keys, 'console-operator.token'),
      readOnlyTokenFile: path.join(demo.keys, 'console-read-only.token'),
      replayTokenFile: path.join(demo.keys, 'notifier-replay.token'),
      sessionSecret: c.CONSOLE_SESSION_SECRET,
      sampleIntervalMs: c.CONSOLE_SAMPLE_INTERVAL_MS,
      secureCookies: c.CONSOLE_SECURE_COOKIES,
      brokers: brokerList(c.CONSOLE_BROKERS),
      services: serviceList(c.CONSOLE_SERVICES),
      oidc: oidcSettings(c),
    },
  };
}
