import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MissingSystemPackagesError, ensureSystemPackages, type SystemPackage } from '../../src/index';

const DIST = path.resolve(__dirname, '../../dist/index.js');

/**
 * A child process that ensures a fake package whose "installer" refuses to run while another
 * install is under way (as apt-get does on its lock) and records each run.
 */
const CHILD = `
const fs = require('node:fs');
const path = require('node:path');
const { ensureSystemPackages } = require(process.env.DIST);
const dir = process.env.DIR;
const marker = path.join(dir, 'installed');
const pkg = { name: 'fake', purpose: 'test', installed: () => fs.existsSync(marker) };
const installer = async () => {
  fs.writeFileSync(path.join(dir, 'apt.lock'), String(process.pid), { flag: 'wx' });
  fs.appendFileSync(path.join(dir, 'runs'), process.pid + '\\n');
  await new Promise((r) => setTimeout(r, 400));
  fs.writeFileSync(marker, 'yes');
  fs.unlinkSync(path.join(dir, 'apt.lock'));
};
ensureSystemPackages([pkg], { lockDir: path.join(dir, 'lock'), installer, canInstall: true, pollMs: 20, log: () => {} })
  .then(() => process.exit(0), (err) => { process.stderr.write(String(err)); process.exit(1); });
`;

function runChild(dir: string): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['-e', CHILD], { env: { ...process.env, DIST, DIR: dir }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
    });
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

describe('ensureSystemPackages', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'sysdeps-'));
  });
  afterEach(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('when two processes set up a machine without the package at once, then both succeed and the install runs once', async () => {
    expect(existsSync(DIST)).toBe(true);
    const results = await Promise.all([runChild(dir), runChild(dir), runChild(dir)]);
    expect(results.map((r) => r.stderr)).toEqual(['', '', '']);
    expect(results.map((r) => r.code)).toEqual([0, 0, 0]);
    const runs = (await fs.readFile(path.join(dir, 'runs'), 'utf8')).trim().split('\n');
    expect(runs).toHaveLength(1);
    expect(existsSync(path.join(dir, 'lock'))).toBe(false);
  });

  it('when the lock is held by a process that is gone, then it is taken over', async () => {
    let marker = false;
    const pkg: SystemPackage = { name: 'fake', purpose: 'test', installed: () => marker };
    await fs.mkdir(path.join(dir, 'lock'));
    // pid 2^22 + 1 is above Linux's pid_max, so no process has it
    await fs.writeFile(path.join(dir, 'lock', 'owner'), String(4_194_305));
    const lines: string[] = [];
    await ensureSystemPackages([pkg], {
      lockDir: path.join(dir, 'lock'),
      canInstall: true,
      pollMs: 10,
      log: (l) => lines.push(l),
      installer: async (names) => {
        expect(names).toEqual(['fake']);
        marker = true;
      },
    });
    expect(marker).toBe(true);
    expect(lines.some((l) => l.includes('taking over'))).toBe(true);
  });

  it('when a live process holds the lock past the wait bound, then the caller fails naming the lock', async () => {
    const pkg: SystemPackage = { name: 'fake', purpose: 'test', installed: () => false };
    await fs.mkdir(path.join(dir, 'lock'));
    await fs.writeFile(path.join(dir, 'lock', 'owner'), String(process.pid));
    await expect(
      ensureSystemPackages([pkg], { lockDir: path.join(dir, 'lock'), canInstall: true, pollMs: 10, waitTimeoutMs: 100, log: () => undefined, installer: async () => undefined }),
    ).rejects.toThrow(/timed out after 100 ms waiting for the system package lock/);
  });

  it('when the user is not root, then the error names each missing package and the command to run', async () => {
    const pkgs: SystemPackage[] = [
      { name: 'activemq', purpose: 'the broker', installed: () => false },
      { name: 'present', purpose: 'x', installed: () => true },
    ];
    const err = await ensureSystemPackages(pkgs, { canInstall: false }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MissingSystemPackagesError);
    expect((err as Error).message).toContain('sudo apt-get update && sudo apt-get install -y activemq');
    expect((err as Error).message).not.toContain('present');
  });

  it('when the installer succeeds but the package is still not found, then the caller fails and the lock is released', async () => {
    const pkg: SystemPackage = { name: 'ghost', purpose: 'test', installed: () => false };
    await expect(
      ensureSystemPackages([pkg], { lockDir: path.join(dir, 'lock'), canInstall: true, log: () => undefined, installer: async () => undefined }),
    ).rejects.toThrow(/installed ghost but it is still not found/);
    expect(existsSync(path.join(dir, 'lock'))).toBe(false);
  });
});
