/**
 * Throwaway certificates for a local TLS broker, made at run time with the openssl CLI and
 * Java's keytool (never committed): a CA, a server certificate for 127.0.0.1 and localhost, a
 * client certificate (mutual TLS), the broker's PKCS#12 key store and its trust store.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';

export interface TestCertificates {
  dir: string;
  /** PEM of the CA that signed both certificates: the clients' caFile. */
  caFile: string;
  /** Client certificate and key (PEM): the clients' certFile and keyFile. */
  certFile: string;
  keyFile: string;
  /** The broker's key store and trust store (PKCS#12) and their password. */
  keyStore: string;
  trustStore: string;
  storePassword: string;
}

function run(cmd: string, args: string[], cwd: string): void {
  execFileSync(cmd, args, { cwd, stdio: 'pipe' });
}

/** Makes the certificates in `dir` (created if needed), valid for `days` days. */
export async function makeTestCertificates(dir: string, days = 7): Promise<TestCertificates> {
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  run('openssl', ['req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.crt', '-days', String(days), '-subj', '/CN=ediflow local test CA'], dir);
  await fs.writeFile(path.join(dir, 'server.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
  run('openssl', ['req', ...ec, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=localhost'], dir);
  run('openssl', ['x509', '-req', '-in', 'server.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.crt', '-days', String(days), '-extfile', 'server.ext'], dir);
  await fs.writeFile(path.join(dir, 'client.ext'), 'extendedKeyUsage=clientAuth\n');
  run('openssl', ['req', ...ec, '-keyout', 'client.key', '-out', 'client.csr', '-subj', '/CN=ediflow-bridge'], dir);
  run('openssl', ['x509', '-req', '-in', 'client.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'client.crt', '-days', String(days), '-extfile', 'client.ext'], dir);
  const storePassword = randomBytes(12).toString('hex');
  run('openssl', ['pkcs12', '-export', '-in', 'server.crt', '-inkey', 'server.key', '-certfile', 'ca.crt', '-name', 'broker', '-out', 'broker.p12', '-passout', `pass:${storePassword}`], dir);
  await fs.rm(path.join(dir, 'trust.p12'), { force: true });
  run('keytool', ['-importcert', '-noprompt', '-storetype', 'PKCS12', '-keystore', 'trust.p12', '-storepass', storePassword, '-alias', 'ca', '-file', 'ca.crt'], dir);
  for (const f of ['ca.key', 'server.key', 'client.key', 'broker.p12', 'trust.p12']) await fs.chmod(path.join(dir, f), 0o600);
  return {
    dir,
    caFile: path.join(dir, 'ca.crt'),
    certFile: path.join(dir, 'client.crt'),
    keyFile: path.join(dir, 'client.key'),
    keyStore: path.join(dir, 'broker.p12'),
    trustStore: path.join(dir, 'trust.p12'),
    storePassword,
  };
}
