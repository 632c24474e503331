import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** This checkout: the build `npm run bench` measures. */
export const OURS = resolve(__dirname, '..', '..', '..');

/**
 * The build before the hipaa façade (issue 23): the translate section times it beside this one
 * in the same run, as issue 23's targets ask. `--base` names another commit or a built checkout.
 */
export const BASE_REF = '0dee157';

/** A built checkout has the CLI and the translator compiled. */
function isBuilt(root: string): boolean {
  return existsSync(join(root, 'tools', 'cli', 'dist', 'main.js')) && existsSync(join(root, 'services', 'translator', 'dist', 'index.js'));
}

/**
 * The build to compare with: `spec` as a built checkout (a folder), else as a commit of this
 * repository, exported into `tmpDir` and installed there (`npm ci`, which builds it: a minute or
 * more). Gives a reason instead when it cannot.
 */
export function prepareBase(spec: string, tmpDir: string, log: (line: string) => void): { root: string } | { error: string } {
  if (existsSync(spec)) return isBuilt(spec) ? { root: resolve(spec) } : { error: `${spec} is not a built checkout (no tools/cli/dist, services/translator/dist)` };
  const root = join(tmpDir, 'base');
  try {
    mkdirSync(root, { recursive: true });
    log(`base build: exporting ${spec} and installing it (npm ci) ...`);
    const archive = execFileSync('git', ['-C', OURS, 'archive', '--format=tar', spec], { maxBuffer: 1024 * 1024 * 1024 });
    execFileSync('tar', ['-x', '-C', root], { input: archive });
    execFileSync('npm', ['ci', '--prefer-offline', '--no-audit', '--no-fund'], { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (err) {
    return { error: `base build ${spec} not prepared: ${(err as Error).message.split('\n')[0]}` };
  }
  return isBuilt(root) ? { root } : { error: `base build ${spec} did not build` };
}
