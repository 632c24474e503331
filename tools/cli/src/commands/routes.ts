import { access, readFile } from 'node:fs/promises';
import { ConfigError } from '@ediflow/errors';
import { parseRoutes, routesJsonSchema, type RoutesDocument } from '@ediflow/bridge';
import type { Command } from '../command';
import { parseCommandArgs, runSubcommand, type Subcommand } from '../command';
import { UsageError, write, type CliIo } from '../io';

const HELP = `Usage: edi routes <subcommand> [FILE]

FILE is the bridge's routes file (default: $BRIDGE_ROUTES_FILE, else services/bridge/routes.example.json).
Reference of every field: services/bridge/ROUTES.md.

  validate [--files] [FILE]
                    checks the routes file as the bridge loads it: JSON syntax, the schema
                    (routes.schema.json), and the rules across fields (URLs and tls agree,
                    rejectUnauthorized false only with insecure, selectors only on brokers
                    that evaluate them, known endpoints, no loops). --files: also that the
                    tls files it names can be read here (run it on the bridge's host).
                    Prints each issue as "<JSON path>: <message>" (never a credential: the
                    file holds only the names of the variables that do).
                    Exit 0 valid, 1 invalid, 2 usage error.
  schema            prints the JSON Schema of the routes file.`;

function routesPath(positionals: string[], env: NodeJS.ProcessEnv): string {
  if (positionals.length > 1) throw new UsageError(`routes validate: expected at most one FILE, got ${positionals.length}`);
  return positionals[0] ?? env.BRIDGE_ROUTES_FILE ?? 'services/bridge/routes.example.json';
}

/** The tls files an endpoint names that cannot be read, as issues. */
async function unreadableFiles(doc: RoutesDocument): Promise<string[]> {
  const issues: string[] = [];
  for (const [name, endpoint] of Object.entries(doc.endpoints)) {
    for (const field of ['caFile', 'certFile', 'keyFile'] as const) {
      const file = endpoint.tls?.[field];
      if (file !== undefined) {
        await access(file).catch((err: NodeJS.ErrnoException) => issues.push(`  endpoints.${name}.tls.${field}: cannot read ${file} (${err.code ?? 'error'})`));
      }
    }
  }
  return issues;
}

async function validate(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, { files: { type: 'boolean' } });
  const path = routesPath(positionals, process.env);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(code === 'ENOENT' ? `no such file: ${path}` : `cannot read ${path} (${code ?? 'error'})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    await write(io.stderr, `${path}: invalid (not JSON: ${(err as Error).message})\n`);
    return 1;
  }
  let doc: RoutesDocument;
  try {
    doc = parseRoutes(json, path);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    await write(io.stderr, `${err.message}\n`);
    return 1;
  }
  const files = values.files === true ? await unreadableFiles(doc) : [];
  if (files.length > 0) {
    await write(io.stderr, `${path} is invalid:\n${files.join('\n')}\n`);
    return 1;
  }
  const endpoints = Object.keys(doc.endpoints).length;
  await write(io.stdout, `${path}: valid (${endpoints} endpoint${endpoints === 1 ? '' : 's'}, ${doc.routes.length} route${doc.routes.length === 1 ? '' : 's'})\n`);
  return 0;
}

async function schema(args: string[], io: CliIo): Promise<number> {
  parseCommandArgs(args, {});
  await write(io.stdout, `${JSON.stringify(routesJsonSchema(), null, 2)}\n`);
  return 0;
}

const subcommands: Record<string, Subcommand> = { validate, schema };

export const routesCommand: Command = {
  name: 'routes',
  summary: 'bridge routes file: validate [FILE], schema',
  run: (args, io) => runSubcommand('routes', HELP, subcommands, args, io),
};
