import { readFile, stat } from 'node:fs/promises';
import { TransferClient } from '@aws-sdk/client-transfer';
import { ConfigError } from '@ediflow/errors';
import { loadConfig, z, type Env } from '@ediflow/config';
import { formatPartnerTable, onboardPartner, summarisePartners, validateRegistryFile, type OnboardingSettings, type RegistryReport } from '@ediflow/ingest';
import { parseRegistryText, type PartnerRegistry } from '@ediflow/partners';
import type { Command } from '../command';
import { parseCommandArgs, runSubcommand, type Subcommand } from '../command';
import { UsageError, write, type CliIo } from '../io';

const HELP = `Usage: edi partners <subcommand> [options] [FILE]

FILE is the partner registry (default: $PARTNERS_FILE, else var/partners.json).

  validate [FILE]          checks the registry: JSON syntax, schema, rules across partners
                           (ids, SFTP users, SSH keys, ISA senders, token hashes belong to one
                           partner each), PGP keys readable and able to encrypt, SSH keys readable.
                           Prints each issue as "<JSON path>: <message>" (never a value).
                           Exit 0 valid, 1 invalid, 2 usage error.
  list [--json] [FILE]     one line per partner: ISA senders, SFTP users, key counts, signature
                           and plaintext policy, split mode, acknowledgments, callback subscription
                           ids (no keys, no hashes, no URLs).
  onboard <ID> [FILE]      makes the AWS Transfer Family server match the registry for partner ID:
                           its SFTP users exist with logical home folders /inbound and /outbound
                           mapped to inbound/<ID>/ and outbound/<ID>/ of the bucket, the role, and
                           exactly the registry's SSH keys. Idempotent (a second run changes nothing).
                           Environment: TRANSFER_SERVER_ID (s-...), TRANSFER_USER_ROLE_ARN, S3_BUCKET,
                           and the usual AWS credentials and region (AWS_REGION).
                           Prints the report as JSON. Exit 0 done, 1 refused or failed, 2 usage.`;

/** What `edi partners` needs from outside; tests pass a TransferClient over a stubbed transport and a literal env. */
export interface PartnersDeps {
  env?: Env;
  /** The Transfer Family client (default: a real TransferClient from the environment's AWS settings). */
  transfer?: () => OnboardingSettings['transfer'];
}

const onboardEnvSchema = z.object({
  TRANSFER_SERVER_ID: z.string().regex(/^s-[0-9a-f]{17}$/, 'a Transfer Family server id (s- and 17 hex digits)'),
  TRANSFER_USER_ROLE_ARN: z.string().regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/, 'an IAM role ARN'),
  S3_BUCKET: z.string().min(3),
});

function registryPath(positional: string | undefined, env: Env): string {
  return positional ?? env.PARTNERS_FILE ?? 'var/partners.json';
}

/** A missing path is a usage error (exit 2), like every other edi command. */
async function requireFile(path: string): Promise<void> {
  try {
    const s = await stat(path);
    if (s.isDirectory()) throw new UsageError(`${path} is a directory, not a file`);
  } catch (err) {
    if (err instanceof UsageError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(code === 'ENOENT' ? `no such file: ${path}` : `cannot read ${path} (${code ?? 'error'})`);
  }
}

async function printIssues(io: CliIo, path: string, report: RegistryReport): Promise<void> {
  const lines = report.issues.map((i) => `  ${i.path}: ${i.message}`);
  await write(io.stderr, `${path}: invalid (${report.issues.length} issue${report.issues.length === 1 ? '' : 's'})\n${lines.join('\n')}\n`);
}

/** Reads a registry that passes every check (schema, cross-partner rules, keys); prints the issues otherwise. */
async function loadValidRegistry(path: string, io: CliIo): Promise<PartnerRegistry | undefined> {
  await requireFile(path);
  const report = await validateRegistryFile(path);
  if (!report.ok) {
    await printIssues(io, path, report);
    return undefined;
  }
  return parseRegistryText(await readFile(path, 'utf8'));
}

function atMostOne(positionals: string[], what: string): string | undefined {
  if (positionals.length > 1) throw new UsageError(`${what}: expected at most one FILE, got ${positionals.length}`);
  return positionals[0];
}

export function createPartnersCommand(deps: PartnersDeps = {}): Command {
  const envOf = (): Env => deps.env ?? process.env;

  async function validate(args: string[], io: CliIo): Promise<number> {
    const { positionals } = parseCommandArgs(args, {});
    const path = registryPath(atMostOne(positionals, 'partners validate'), envOf());
    await requireFile(path);
    const report = await validateRegistryFile(path);
    if (!report.ok) {
      await printIssues(io, path, report);
      return 1;
    }
    await write(io.stdout, `${path}: valid (${report.partners} partner${report.partners === 1 ? '' : 's'})\n`);
    return 0;
  }

  async function list(args: string[], io: CliIo): Promise<number> {
    const { values, positionals } = parseCommandArgs(args, { json: { type: 'boolean' } });
    const path = registryPath(atMostOne(positionals, 'partners list'), envOf());
    const registry = await loadValidRegistry(path, io);
    if (!registry) return 1;
    const rows = summarisePartners(registry);
    await write(io.stdout, values.json === true ? `${JSON.stringify(rows, null, 2)}\n` : `${formatPartnerTable(rows)}\n`);
    return 0;
  }

  async function onboard(args: string[], io: CliIo): Promise<number> {
    const { positionals } = parseCommandArgs(args, {});
    const [partnerId, file, ...extra] = positionals;
    if (partnerId === undefined) throw new UsageError('partners onboard: missing partner ID');
    if (extra.length > 0) throw new UsageError('partners onboard: expected ID [FILE]');
    const env = envOf();
    let settings: z.infer<typeof onboardEnvSchema>;
    try {
      settings = loadConfig(onboardEnvSchema, env);
    } catch (err) {
      if (err instanceof ConfigError) throw new UsageError(`partners onboard: environment variable(s) ${err.message.split('\n').slice(1).map((l) => l.trim()).join('; ')}`);
      throw err;
    }
    const registry = await loadValidRegistry(registryPath(file, env), io);
    if (!registry) return 1;
    const transfer = deps.transfer ? deps.transfer() : new TransferClient({});
    const report = await onboardPartner(partnerId, registry, {
      transfer,
      serverId: settings.TRANSFER_SERVER_ID,
      roleArn: settings.TRANSFER_USER_ROLE_ARN,
      bucket: settings.S3_BUCKET,
    });
    await write(io.stdout, `${JSON.stringify(report, null, 2)}\n`);
    return 0;
  }

  const subcommands: Record<string, Subcommand> = { validate, list, onboard };

  return {
    name: 'partners',
    summary: 'partner registry: validate, list, onboard <id> (AWS Transfer Family users)',
    run: (args, io) => runSubcommand('partners', HELP, subcommands, args, io),
  };
}

export const partnersCommand: Command = createPartnersCommand();
