/**
 * `npx cdk synth -q` as an operator runs it in deploy/ecs, on the committed cdk.json and
 * cdk.context.json: no AWS account, no Docker (the image asset is only staged). Bounded to 3 minutes.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CONSOLE_SETTINGS } from '../console-settings';

const ECS_DIR = path.resolve(__dirname, '..', '..');
const CDK = path.resolve(ECS_DIR, '..', '..', 'node_modules', 'aws-cdk', 'bin', 'cdk');

function run(args: string[], timeoutMs: number): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    // No AWS credentials or region from the machine: the synth must not need them.
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AWS_') && !k.startsWith('CDK_')));
    const child = spawn(process.execPath, [CDK, ...args], { cwd: ECS_DIR, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

/** The console's context as an operator passes it with -c (deploy/ecs/README.md "Ops console"). */
const CONSOLE_CONTEXT = JSON.stringify(CONSOLE_SETTINGS);

describe('cdk synth', () => {
  let out: string;
  beforeAll(() => {
    out = mkdtempSync(path.join(os.tmpdir(), 'ediflow-cdk-'));
  });
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('when cdk synth -q runs in deploy/ecs without AWS access and with the console context, then it exits 0 with four templates and the image staged', async () => {
    expect(existsSync(path.join(ECS_DIR, 'dist', 'cdk-app.js'))).toBe(true);
    const { code, output } = await run(['synth', '-q', '-o', out, '-c', `ediflow:console=${CONSOLE_CONTEXT}`], 180_000);
    expect({ code, output: code === 0 ? '' : output }).toEqual({ code: 0, output: '' });
    const files = readdirSync(out);
    expect(files.filter((f) => f.endsWith('.template.json')).sort()).toEqual([
      'Ediflow-dev-Broker.template.json',
      'Ediflow-dev-Data.template.json',
      'Ediflow-dev-Services.template.json',
      'Ediflow-dev-Tracking.template.json',
    ]);
    const asset = files.find((f) => f.startsWith('asset.'));
    expect(asset).toBeDefined();
    const staged = path.join(out, asset!);
    expect(existsSync(path.join(staged, 'Dockerfile'))).toBe(true);
    expect(existsSync(path.join(staged, 'services', 'ingest', 'src', 'main.ts'))).toBe(true);
    expect(existsSync(path.join(staged, 'services', 'tracking', 'src', 'main.ts'))).toBe(true);
    expect(existsSync(path.join(staged, 'node_modules'))).toBe(false);
    const services = JSON.parse(readFileSync(path.join(out, 'Ediflow-dev-Services.template.json'), 'utf8')) as { Resources: Record<string, { Type: string }> };
    // ingest, translator, notifier, tracking, console (no bridge route set in the default context).
    expect(Object.values(services.Resources).filter((r) => r.Type === 'AWS::ECS::Service')).toHaveLength(5);
    expect(existsSync(path.join(staged, 'services', 'console', 'assets', 'console.js'))).toBe(true);
    const listeners = Object.values(services.Resources).filter((r) => r.Type === 'AWS::ElasticLoadBalancingV2::Listener') as unknown as { Properties: { DefaultActions: { Type: string }[] } }[];
    expect(listeners.map((l) => l.Properties.DefaultActions.map((a) => a.Type).join(',')).sort()).toEqual(['authenticate-oidc,forward', 'redirect']);
  }, 200_000);
});
