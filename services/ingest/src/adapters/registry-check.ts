import { readFile } from 'node:fs/promises';
import { utils } from 'ssh2';
import { loadPublicKeys } from '@ediflow/pgp';
import { parseRegistry, registryIssues, type Partner, type PartnerRegistry, type RegistryIssue } from '@ediflow/partners';

/** What `edi partners validate` prints: every problem, each with its JSON path (never a value). */
export interface RegistryReport {
  ok: boolean;
  partners: number;
  issues: RegistryIssue[];
}

/** Checks beyond the schema that need the key parsers: PGP keys parse and can encrypt, SSH keys parse. */
async function keyIssues(registry: PartnerRegistry): Promise<RegistryIssue[]> {
  const issues: RegistryIssue[] = [];
  for (const [i, p] of registry.list().entries()) {
    for (const [j, armored] of p.pgpPublicKeys.entries()) {
      const at = `partners.${i}.pgpPublicKeys.${j}`;
      if (armored.includes('PRIVATE KEY BLOCK')) {
        issues.push({ path: at, message: 'holds a PRIVATE key block: remove it (and treat that key as compromised)' });
        continue;
      }
      try {
        const keys = await loadPublicKeys([armored]);
        for (const key of keys) {
          try {
            await key.getEncryptionKey();
          } catch {
            issues.push({ path: at, message: `key ${key.getKeyID().toHex()} has no usable encryption subkey (expired or revoked?)` });
          }
        }
      } catch {
        issues.push({ path: at, message: 'is not a readable OpenPGP public key' });
      }
    }
    for (const [j, user] of p.sftpUsers.entries()) {
      for (const [k, line] of user.sshPublicKeys.entries()) {
        const parsed = utils.parseKey(line);
        if (parsed instanceof Error) issues.push({ path: `partners.${i}.sftpUsers.${j}.sshPublicKeys.${k}`, message: 'is not a readable SSH public key' });
      }
    }
  }
  return issues;
}

/** Validates registry text: JSON syntax, the schema, rules across partners, and every key. */
export async function validateRegistryText(text: string): Promise<RegistryReport> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return { ok: false, partners: 0, issues: [{ path: '(root)', message: `not JSON (${err instanceof SyntaxError ? err.message : 'parse error'})` }] };
  }
  const structural = registryIssues(json);
  if (structural.length > 0) return { ok: false, partners: 0, issues: structural };
  const registry = parseRegistry(json);
  const issues = await keyIssues(registry);
  return { ok: issues.length === 0, partners: registry.list().length, issues };
}

/** `edi partners validate <file>` */
export async function validateRegistryFile(path: string): Promise<RegistryReport> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    return { ok: false, partners: 0, issues: [{ path: '(file)', message: `cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})` }] };
  }
  return validateRegistryText(text);
}

/** One line of `edi partners list`: what each partner is set up for, without keys or token hashes. */
export interface PartnerSummary {
  id: string;
  name: string;
  isaSenders: string[];
  isaReceivers: string[];
  sftpUsers: string[];
  pgpKeys: number;
  httpTokens: number;
  requireSignature: boolean;
  allowPlaintext: boolean;
  split: Partner['split'];
  acknowledgments: Partner['acknowledgments'];
  /** Callback subscription ids (not their URLs, which may carry tokens). */
  subscriptions: string[];
}

export function summarisePartners(registry: PartnerRegistry): PartnerSummary[] {
  return registry.list().map((p) => ({
    id: p.id,
    name: p.name,
    isaSenders: p.isaSenders.map((s) => `${s.qualifier}/${s.id}`),
    isaReceivers: p.isaReceivers.map((s) => `${s.qualifier}/${s.id}`),
    sftpUsers: p.sftpUsers.map((u) => u.userName),
    pgpKeys: p.pgpPublicKeys.length,
    httpTokens: p.httpTokenSha256.length,
    requireSignature: p.requireSignature,
    allowPlaintext: p.allowPlaintext,
    split: p.split,
    acknowledgments: p.acknowledgments,
    subscriptions: p.subscriptions.map((sub) => sub.id),
  }));
}

/** A plain-text table of the summaries (for a terminal). */
export function formatPartnerTable(rows: PartnerSummary[]): string {
  const header = ['ID', 'NAME', 'ISA SENDERS', 'SFTP USERS', 'PGP KEYS', 'SIGNED', 'PLAINTEXT', 'SPLIT', 'ACKS', 'CALLBACKS'];
  const cells = rows.map((r) => [
    r.id,
    r.name,
    r.isaSenders.join(','),
    r.sftpUsers.join(',') || '-',
    String(r.pgpKeys),
    r.requireSignature ? 'required' : 'optional',
    r.allowPlaintext ? 'allowed' : 'no',
    r.split,
    r.acknowledgments.join(','),
    r.subscriptions.join(',') || '-',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c: string[]) => c.map((v, i) => v.padEnd(widths[i])).join('  ').trimEnd();
  return [line(header), ...cells.map(line)].join('\n');
}
