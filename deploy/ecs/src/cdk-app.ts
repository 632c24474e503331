/** The CDK app `cdk synth` / `cdk deploy` run (cdk.json): settings from CDK context (cdk.json, or -c key=value). */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { App } from 'aws-cdk-lib';
import { Platform } from 'aws-cdk-lib/aws-ecr-assets';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import { createStacks } from './app';
import type { ConsoleSettings } from './console-service';
import { TRACKING_RETENTION_DAYS, type BridgeRouteSet, type SecretSource } from './services-stack';

/** The repository root: the image's build context (the root Dockerfile and .dockerignore). */
const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');

function context<T>(app: App, key: string, fallback: T): T {
  const v: unknown = app.node.tryGetContext(`ediflow:${key}`);
  if (v === undefined || v === null || v === '') return fallback;
  // -c key=value gives strings; cdk.json gives JSON.
  if (typeof v === 'string' && typeof fallback !== 'string') return JSON.parse(v) as T;
  return v as T;
}

interface RouteSetSetting {
  name: string;
  /** Path of the routes document, relative to deploy/ecs. */
  routesFile: string;
  secrets?: Record<string, SecretSource>;
}

const app = new App();
const imageUri = context(app, 'imageUri', '');
const routeSets = context<RouteSetSetting[]>(app, 'bridgeRouteSets', []).map(
  (s): BridgeRouteSet => ({ name: s.name, routes: JSON.parse(readFileSync(path.resolve(s.routesFile), 'utf8')), secrets: s.secrets }),
);
createStacks(app, {
  envName: context(app, 'env', 'dev'),
  env: { account: context(app, 'account', ''), region: context(app, 'region', 'us-east-1') },
  image: imageUri ? ecs.ContainerImage.fromRegistry(imageUri) : ecs.ContainerImage.fromAsset(REPO_ROOT, { file: 'Dockerfile', platform: Platform.LINUX_AMD64 }),
  notifierSubscriptionIds: context<string[]>(app, 'notifierSubscriptionIds', []),
  notifierSecrets: context<Record<string, SecretSource>>(app, 'notifierSecrets', {}),
  bridgeRouteSets: routeSets,
  brokerInstanceType: context(app, 'brokerInstanceType', 'mq.m5.large'),
  natGateways: context(app, 'natGateways', 1),
  tracking: {
    instanceType: context(app, 'trackingDbInstanceType', 't4g.medium'),
    multiAz: context(app, 'trackingDbMultiAz', true),
    backupRetentionDays: context(app, 'trackingDbBackupDays', 14),
    retentionDays: context(app, 'trackingRetentionDays', TRACKING_RETENTION_DAYS),
  },
  console: context<ConsoleSettings | undefined>(app, 'console', undefined),
});
app.synth();
