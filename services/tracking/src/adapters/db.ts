/**
 * The tracking database: PostgreSQL through node-postgres (Amazon RDS / Aurora in AWS, a private
 * cluster in tests), or PGlite (PostgreSQL compiled to WASM, in-process) as the embedded default
 * of `npm start`. Both run the same SQL through Kysely; PGlite gets a small Kysely dialect here
 * (the published one, kysely-pglite-dialect 1.3, declares PGlite up to 0.4 only).
 */
import { readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import { Signer } from '@aws-sdk/rds-signer';
import {
  CompiledQuery,
  Kysely,
  PostgresAdapter,
  PostgresDialect,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type QueryResult,
} from 'kysely';
import pg from 'pg';
import type { TrackingTables } from './schema';
import { pgliteInWorker, type PgliteLike } from './pglite-worker';

export type TrackingDb = Kysely<TrackingTables>;

/** One PGlite connection, used by one query or transaction at a time. */
class PgliteDriver implements Driver {
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly db: PgliteLike) {}

  async init(): Promise<void> {
    await this.db.waitReady;
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    let release!: () => void;
    const previous = this.queue;
    this.queue = new Promise<void>((resolve) => {
      release = resolve;
    });
    await previous;
    const db = this.db;
    const connection: DatabaseConnection & { release: () => void } = {
      release,
      async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
        const result = await db.query<R>(query.sql, query.parameters as unknown[]);
        return { rows: result.rows, numAffectedRows: result.affectedRows === undefined ? undefined : BigInt(result.affectedRows) };
      },
      async *streamQuery() {
        throw new Error('streaming queries are not supported on PGlite');
      },
    };
    return connection;
  }

  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin'));
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('commit'));
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('rollback'));
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    (connection as DatabaseConnection & { release: () => void }).release();
  }

  async destroy(): Promise<void> {
    await this.db.close();
  }
}

class PgliteDialect implements Dialect {
  constructor(private readonly db: PgliteLike) {}
  createAdapter() {
    return new PostgresAdapter();
  }
  createDriver() {
    return new PgliteDriver(this.db);
  }
  createIntrospector(db: Kysely<unknown>) {
    return new PostgresIntrospector(db);
  }
  createQueryCompiler() {
    return new PostgresQueryCompiler();
  }
}

/** The embedded database under `dir` (created when missing), on a thread of its own; one process at a time. */
export async function openPgliteDb(dir: string): Promise<TrackingDb> {
  await mkdir(dir, { recursive: true });
  return new Kysely<TrackingTables>({ dialect: new PgliteDialect(pgliteInWorker(dir)) });
}

/** An in-memory PGlite database (tests). */
export function memoryPgliteDb(): TrackingDb {
  return new Kysely<TrackingTables>({ dialect: new PgliteDialect(new PGlite()) });
}

export interface PostgresSettings {
  /** postgres://user[:password]@host:port/database */
  url: string;
  /** disable: plain TCP (tests, a sidecar); require: TLS without checking the server; verify: TLS checked against `caFile` or the system's CAs (RDS). */
  ssl: 'disable' | 'require' | 'verify';
  /** PEM bundle to trust (the RDS CA bundle). */
  caFile?: string;
  /** A password instead of the one in the URL (Secrets Manager injects it as a variable). */
  password?: string;
  /** IAM database authentication: a fresh RDS auth token for each connection, for this region. */
  iamRegion?: string;
  /** Connections in the pool. */
  poolSize: number;
}

/** Node-postgres with a pool, TLS and password or IAM authentication. */
export function openPostgresDb(settings: PostgresSettings): TrackingDb {
  const url = new URL(settings.url);
  const ssl =
    settings.ssl === 'disable'
      ? false
      : settings.ssl === 'require'
        ? { rejectUnauthorized: false }
        : { rejectUnauthorized: true, ...(settings.caFile ? { ca: readFileSync(settings.caFile, 'utf8') } : {}) };
  let password: string | (() => Promise<string>) | undefined = settings.password ?? (url.password ? decodeURIComponent(url.password) : undefined);
  if (settings.iamRegion !== undefined) {
    const signer = new Signer({
      hostname: url.hostname,
      port: Number(url.port || 5432),
      username: decodeURIComponent(url.username),
      region: settings.iamRegion,
    });
    password = () => signer.getAuthToken();
  }
  const pool = new pg.Pool({
    host: url.hostname,
    port: Number(url.port || 5432),
    database: decodeURIComponent(url.pathname.slice(1)) || 'postgres',
    user: decodeURIComponent(url.username),
    password,
    ssl,
    max: settings.poolSize,
    idleTimeoutMillis: 30_000,
    connectionTimeoutMillis: 10_000,
  });
  // An idle client's error (a database restart) must not crash the process; the next query reconnects.
  pool.on('error', () => undefined);
  return new Kysely<TrackingTables>({ dialect: new PostgresDialect({ pool }) });
}
