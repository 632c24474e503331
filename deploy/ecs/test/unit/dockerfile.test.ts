import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { validate } from 'dockerfile-utils';
import { DOCKERFILE, REPO_ROOT, contextIgnores, dockerfileStages } from '../image';

const text = readFileSync(DOCKERFILE, 'utf8');

describe('Dockerfile lint (dockerfile-utils, the Dockerfile language server\'s validator)', () => {
  it('when the root Dockerfile is linted, then it has no problem of any severity', () => {
    expect(validate(text).map((d) => `line ${d.range.start.line + 1}: ${d.message}`)).toEqual([]);
  });

  it('when a Dockerfile has known problems, then the linter reports them (the check can fail)', () => {
    const messages = validate('FROM node\nMAINTAINER someone\nEXPOSE 8080/xyz\nCOPY\n').map((d) => d.message);
    expect(messages.length).toBeGreaterThanOrEqual(2);
  });
});

describe('Dockerfile policy', () => {
  const stages = dockerfileStages(text);
  const names = new Set(stages.map((s) => s.name).filter((n): n is string => n !== null));

  it('when an image is pulled, then it is pinned by digest', () => {
    const pulled = stages.filter((s) => !names.has(s.image));
    expect(pulled.length).toBeGreaterThan(0);
    for (const s of pulled) expect(`${s.image}@${s.digest ?? ''}`).toMatch(/^[\w./-]+@sha256:[0-9a-f]{64}$/);
    expect(dockerfileStages('FROM node:24-slim AS x\n')[0].digest).toBeNull();
  });

  it('when the image is built, then there are several stages and the final one runs as a non-root user', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    const final = stages.at(-1)!;
    const users = final.steps.filter((s) => s.keyword === 'USER').map((s) => s.args.split(':')[0]);
    expect(users.length).toBeGreaterThan(0);
    expect(['root', '0']).not.toContain(users.at(-1));
    // Nothing runs in the final stage after npm: the runtime stage only copies what the prod stage made.
    expect(final.steps.filter((s) => s.keyword === 'RUN')).toEqual([]);
  });

  it('when files go in, then no ADD is used, and the entrypoint and command are in exec form', () => {
    const all = stages.flatMap((s) => s.steps);
    expect(all.filter((s) => s.keyword === 'ADD')).toEqual([]);
    const final = stages.at(-1)!;
    const entry = final.steps.filter((s) => s.keyword === 'ENTRYPOINT');
    expect(entry).toHaveLength(1);
    expect(entry[0].exec?.[0]).toBe('node');
    for (const cmd of final.steps.filter((s) => s.keyword === 'CMD')) expect(cmd.exec).toBeDefined();
    expect(dockerfileStages('FROM a@sha256:' + '0'.repeat(64) + '\nENTRYPOINT node x.js\n')[0].steps[0].exec).toBeUndefined();
  });

  it('when the production dependencies are installed, then dev dependencies are omitted', () => {
    const installs = stages.flatMap((s) => s.steps).filter((s) => s.keyword === 'RUN' && /npm ci/.test(s.args));
    expect(installs.some((s) => /--omit=dev/.test(s.args))).toBe(true);
    const final = stages.at(-1)!;
    const sources = final.steps.filter((s) => s.keyword === 'COPY').map((s) => s.flags.from);
    const prod = stages.find((s) => s.steps.some((x) => x.keyword === 'RUN' && /--omit=dev/.test(x.args)))!;
    expect(new Set(sources)).toEqual(new Set([prod.name]));
  });

  it('when the image is built, then every service of services/ is compiled, has its production dependencies and is named in the header', () => {
    const services = readdirSync(path.join(REPO_ROOT, 'services')).filter((name) => existsSync(path.join(REPO_ROOT, 'services', name, 'src', 'main.ts')));
    expect(services).toEqual(expect.arrayContaining(['ingest', 'translator', 'notifier', 'bridge', 'tracking']));
    const runs = stages.flatMap((s) => s.steps).filter((s) => s.keyword === 'RUN').map((s) => s.args);
    const build = runs.find((r) => /npx tsc -b/.test(r))!;
    const prod = runs.find((r) => /--omit=dev/.test(r))!;
    for (const name of services) {
      expect({ name, installed: new RegExp(`-w services/${name}\\b`).test(build), compiled: new RegExp(`tsc -b[^&]*services/${name}\\b`).test(build) }).toEqual({ name, installed: true, compiled: true });
      expect({ name, prod: new RegExp(`-w services/${name}\\b`).test(prod) }).toEqual({ name, prod: true });
      expect(text).toContain(`services/${name}/dist/main.js`);
    }
  });

  it('when the build context is sent, then node_modules, var/, .git, cdk.out and fixtures stay out', () => {
    for (const p of ['node_modules/zod/package.json', 'shared/x12/node_modules/a.js', 'var/store/x', '.git/HEAD', 'deploy/ecs/cdk.out/manifest.json',
      'services/translator/test/fixtures/lfh__demo.837', 'tools/cli/test/fixtures/README.md', 'shared/x12/dist/index.js']) {
      expect({ p, ignored: contextIgnores(p) }).toEqual({ p, ignored: true });
    }
    for (const p of ['package.json', 'package-lock.json', 'tsconfig.base.json', 'shared/x12/src/index.ts', 'services/ingest/package.json', 'tools/cli/package.json', 'deploy/ecs/package.json']) {
      expect({ p, ignored: contextIgnores(p) }).toEqual({ p, ignored: false });
    }
  });
});
