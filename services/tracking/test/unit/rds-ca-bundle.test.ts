import { X509Certificate } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { rdsCaBundle } from '../../src/rds-ca-bundle';

const certificates = (pemText: string): X509Certificate[] =>
  (pemText.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? []).map((pem) => new X509Certificate(pem));

describe('RDS CA bundle', () => {
  it('when written, then it holds only Amazon RDS certificate authorities, the current regional roots among them', () => {
    const certs = certificates(rdsCaBundle());
    expect(certs.length).toBeGreaterThan(50);
    for (const c of certs) {
      expect(c.ca).toBe(true);
      expect(c.subject).toContain('OU=Amazon RDS');
    }
    const names = certs.map((c) => c.subject.split('\n').find((l) => l.startsWith('CN=')));
    for (const region of ['us-east-1', 'eu-west-1', 'ap-southeast-2']) {
      for (const kind of ['RSA2048', 'RSA4096', 'ECC384']) expect(names).toContain(`CN=Amazon RDS ${region} Root CA ${kind} G1`);
    }
    // Not the RDS Proxy profile's public roots.
    expect(names).not.toContain('CN=Amazon Root CA 1');
  });

  it('when the built script runs with no output path, then it exits 2 with its usage; with one, it writes the bundle', () => {
    const script = path.join(__dirname, '..', '..', 'dist', 'rds-ca-bundle.js');
    const none = spawnSync(process.execPath, [script], { encoding: 'utf8' });
    expect({ status: none.status, stderr: none.stderr }).toEqual({ status: 2, stderr: expect.stringContaining('usage') });
    const dir = mkdtempSync(path.join(os.tmpdir(), 'rds-ca-'));
    try {
      const out = path.join(dir, 'bundle.pem');
      const run = spawnSync(process.execPath, [script, out], { encoding: 'utf8' });
      expect(run.status).toBe(0);
      expect(readFileSync(out, 'utf8')).toBe(rdsCaBundle());
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
