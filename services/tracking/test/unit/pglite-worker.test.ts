import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pgliteInWorker } from '@ediflow/tracking-service';

jest.setTimeout(60_000);

describe('PGlite on a worker thread', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pglite-worker-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('when queries are sent, then their rows come back with their types, and a failing one rejects with its SQLSTATE', async () => {
    const db = pgliteInWorker(join(dir, 'a'));
    await db.waitReady;
    await db.query('create table t (id int primary key, at timestamptz, doc jsonb)');
    const at = new Date('2026-12-07T10:00:00Z');
    const inserted = await db.query('insert into t values ($1, $2, $3), ($4, $5, $6)', [1, at, JSON.stringify({ a: 1 }), 2, at, null]);
    expect(inserted.affectedRows).toBe(2);
    const r = await db.query<{ id: number; at: Date; doc: unknown }>('select id, at, doc from t order by id');
    expect(r.rows).toEqual([
      { id: 1, at, doc: { a: 1 } },
      { id: 2, at, doc: null },
    ]);
    await expect(db.query('insert into t values (1, null, null)')).rejects.toMatchObject({ code: '23505' });
    await db.close();
  });

  it('when the database is closed, then a later query rejects instead of hanging, and the data is there on reopening', async () => {
    const path = join(dir, 'b');
    const db = pgliteInWorker(path);
    await db.query('create table kept (v text)');
    await db.query("insert into kept values ('x')");
    await db.close();
    await expect(db.query('select 1')).rejects.toThrow(/thread exited/);
    const again = pgliteInWorker(path);
    expect((await again.query<{ v: string }>('select v from kept')).rows).toEqual([{ v: 'x' }]);
    await again.close();
  });
});
