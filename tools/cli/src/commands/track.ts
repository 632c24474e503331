import { readFile } from 'node:fs/promises';
import type { Command } from '../command';
import { parseCommandArgs, runSubcommand, type Subcommand } from '../command';
import { UsageError, write, type CliIo } from '../io';

const HELP = `Usage: edi track <subcommand> [options]

Reads the tracking API (TRACKING_URL, default http://127.0.0.1:8080; bearer TRACKING_API_TOKEN,
or the token npm start keeps in var/keys/tracking-api.token).

  file <fileId>                  a file: state, TA1/999, transaction sets, callbacks
  files [--partner P] [--state S] [--from ISO] [--to ISO] [--limit N] [--cursor C]
                                 files, newest first
  claim <claimId>                a claim with its timeline (837 -> 999 -> 277CA -> 835)
  search --claim-number N | --isa13 X [--gs06 Y] [--st02 Z] | --unmatched
                                 claims by CLM01, transaction sets by control numbers, or payer
                                 statuses that match no claim
Options: --json prints the API's JSON as it is. Exit 0 found, 1 not found, 2 usage error.`;

export interface TrackDeps {
  env?: NodeJS.ProcessEnv;
  fetch?: typeof fetch;
  /** Reads the token file npm start writes (tests pass their own). */
  readToken?: () => Promise<string | undefined>;
}

const COMMON = { json: { type: 'boolean' as const } };

export function createTrackCommand(deps: TrackDeps = {}): Command {
  const env = () => deps.env ?? process.env;
  const doFetch = () => deps.fetch ?? fetch;

  async function token(): Promise<string> {
    const fromEnv = env().TRACKING_API_TOKEN;
    if (fromEnv) return fromEnv;
    const read = deps.readToken ?? (() => readFile(`${env().EDIFLOW_HOME ?? 'var'}/keys/tracking-api.token`, 'utf8').then((t) => t.trim(), () => undefined));
    const t = await read();
    if (!t) throw new UsageError('no tracking API token: set TRACKING_API_TOKEN (npm start keeps one in var/keys/tracking-api.token)');
    return t;
  }

  /** GETs a path; undefined for 404. Other failures throw with the API's code. */
  async function get(path: string): Promise<unknown> {
    const base = (env().TRACKING_URL ?? 'http://127.0.0.1:8080').replace(/\/$/, '');
    let res: Response;
    try {
      res = await doFetch()(`${base}${path}`, { headers: { authorization: `Bearer ${await token()}` } });
    } catch (err) {
      throw new UsageError(`tracking API not reachable at ${base} (${(err as Error).message})`);
    }
    if (res.status === 404) return undefined;
    const body = (await res.json().catch(() => ({}))) as { code?: string; message?: string };
    if (!res.ok) throw new UsageError(`tracking API answered ${res.status} ${body.code ?? ''}: ${body.message ?? ''}`.trim());
    return body;
  }

  const print = async (io: CliIo, json: boolean, body: unknown, text: () => string[]) => {
    await write(io.stdout, json ? `${JSON.stringify(body, null, 2)}\n` : `${text().join('\n')}\n`);
  };
  const one = (positionals: string[], what: string) => {
    if (positionals.length !== 1) throw new UsageError(`track ${what}: expected one id`);
    if (!/^[0-9a-f]{64}$/.test(positionals[0])) throw new UsageError(`track ${what}: an id is 64 hex digits`);
    return positionals[0];
  };
  const qs = (params: Record<string, string | boolean | undefined>) => {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) if (typeof v === 'string') q.set(k, v);
    const s = q.toString();
    return s ? `?${s}` : '';
  };

  type Row = Record<string, unknown>;
  const table = (rows: Row[], columns: string[]) => [columns.join('  '), ...rows.map((r) => columns.map((c) => String(r[c] ?? '-')).join('  '))];

  const file: Subcommand = async (args, io) => {
    const { values, positionals } = parseCommandArgs(args, COMMON);
    const body = (await get(`/v1/files/${one(positionals, 'file')}`)) as Row | undefined;
    if (body === undefined) {
      await write(io.stderr, 'no such file\n');
      return 1;
    }
    await print(io, values.json === true, body, () => [
      `file ${String(body.fileId)}  partner ${String(body.partnerId)}  ${String(body.state)}${body.reasonCode ? ` (${String(body.reasonCode)})` : ''}`,
      `received ${String(body.receivedAt ?? '-')}  finished ${String(body.finishedAt ?? '-')}  claims ${String(body.claims)}`,
      `acknowledgments ${JSON.stringify(body.acknowledgments)}`,
      ...table(body.transactionSets as Row[], ['position', 'setId', 'isa13', 'gs06', 'st02', 'status']),
      ...table(body.callbacks as Row[], ['subscriptionId', 'outcome', 'attempts', 'latencyMs']),
    ]);
    return 0;
  };

  const files: Subcommand = async (args, io) => {
    const { values } = parseCommandArgs(args, { ...COMMON, partner: { type: 'string' }, state: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' }, limit: { type: 'string' }, cursor: { type: 'string' } });
    const body = (await get(`/v1/files${qs({ partner: values.partner, state: values.state, from: values.from, to: values.to, limit: values.limit, cursor: values.cursor })}`)) as { items: Row[]; nextCursor?: string };
    await print(io, values.json === true, body, () => [...table(body.items, ['receivedAt', 'fileId', 'partnerId', 'state']), ...(body.nextCursor ? [`more: --cursor ${body.nextCursor}`] : [])]);
    return 0;
  };

  const claim: Subcommand = async (args, io) => {
    const { values, positionals } = parseCommandArgs(args, COMMON);
    const body = (await get(`/v1/claims/${one(positionals, 'claim')}`)) as Row | undefined;
    if (body === undefined) {
      await write(io.stderr, 'no such claim\n');
      return 1;
    }
    await print(io, values.json === true, body, () => [
      `claim ${String(body.claimNumber)}  ${String(body.status)}  billed ${String(body.billedAmount ?? '-')}  paid ${String(body.paidAmount ?? '-')}`,
      ...table(body.timeline as Row[], ['occurredAt', 'source', 'status', 'codes', 'paidAmount']),
    ]);
    return 0;
  };

  const search: Subcommand = async (args, io) => {
    const { values } = parseCommandArgs(args, { ...COMMON, 'claim-number': { type: 'string' }, isa13: { type: 'string' }, gs06: { type: 'string' }, st02: { type: 'string' }, unmatched: { type: 'boolean' }, partner: { type: 'string' } });
    let body: { items: Row[] };
    let columns: string[];
    if (values.unmatched === true) {
      body = (await get(`/v1/unmatched${qs({ partner: values.partner, claimNumber: values['claim-number'] })}`)) as { items: Row[] };
      columns = ['occurredAt', 'partnerId', 'source', 'claimNumber', 'status'];
    } else if (values['claim-number'] !== undefined) {
      body = (await get(`/v1/claims${qs({ claimNumber: values['claim-number'], partner: values.partner })}`)) as { items: Row[] };
      columns = ['claimId', 'claimNumber', 'status', 'billedAmount', 'paidAmount'];
    } else if (values.isa13 !== undefined || values.gs06 !== undefined || values.st02 !== undefined) {
      body = (await get(`/v1/transactions${qs({ isa13: values.isa13, gs06: values.gs06, st02: values.st02, partner: values.partner })}`)) as { items: Row[] };
      columns = ['fileId', 'isa13', 'gs06', 'st02', 'setId', 'status'];
    } else {
      throw new UsageError('track search: give --claim-number, --isa13/--gs06/--st02, or --unmatched');
    }
    await print(io, values.json === true, body, () => table(body.items, columns));
    return body.items.length > 0 ? 0 : 1;
  };

  const subcommands: Record<string, Subcommand> = { file, files, claim, search };
  return {
    name: 'track',
    summary: 'tracking: file <id>, files, claim <id>, search (over the tracking API)',
    run: (args, io) => runSubcommand('track', HELP, subcommands, args, io),
  };
}

export const trackCommand = createTrackCommand();
