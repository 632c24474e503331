#!/usr/bin/env node
/**
 * npm run system-packages: installs what `npm test` needs from Debian (as root), or prints the
 * command a non-root user has to run. Safe to run while a test run installs the same packages.
 */
import { MissingSystemPackagesError, TEST_PACKAGES, ensureSystemPackages } from './index';

ensureSystemPackages(TEST_PACKAGES, { log: (line) => process.stdout.write(`${line}\n`) }).then(
  () => process.stdout.write(`installed: ${TEST_PACKAGES.map((p) => p.name).join(', ')}\n`),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(err instanceof MissingSystemPackagesError ? 2 : 1);
  },
);
