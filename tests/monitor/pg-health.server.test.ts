import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Warehouse } from '../../src/db/connection.js';
import { pgHealth } from '../../src/monitor/pg-health.js';
import { createTestDatabase, targetKinds, type TestDatabase } from '../helpers/test-databases.js';

/** Sessions, locks and statistics exist only on a server: this suite runs against the real PostgreSQL. */
describe.runIf(targetKinds.includes('postgres'))(
  'monitor: PostgreSQL health on the server (postgres)',
  () => {
    let db: TestDatabase;
    let warehouse: Warehouse;
    const clients: pg.Client[] = [];
    const client = async () => {
      const c = new pg.Client({ connectionString: db.url! });
      await c.connect();
      clients.push(c);
      return c;
    };

    beforeAll(async () => {
      db = await createTestDatabase('postgres', 'monitor-pg-health');
      warehouse = await db.open();
      const setup = await client();
      // no autovacuum: the dead rows must still be there when the test reads them
      await setup.query(
        `create table public.big (id int, category int, note text) with (autovacuum_enabled = false)`,
      );
      await setup.query(
        `set enable_indexscan = off; set enable_indexonlyscan = off; set enable_bitmapscan = off`,
      );
      await setup.query(`create index big_note_idx on public.big (note)`);
      await setup.query(`insert into public.big select g, g % 10, 'n' || g from generate_series(1, 20000) g`);
      await setup.query(`delete from public.big where id <= 5000`);
      for (let i = 0; i < 3; i++) await setup.query(`select count(*) from public.big where category = 3`);
      // statistics reach the shared views when a session reports them: force it instead of waiting
      await setup.query(`select pg_stat_force_next_flush()`);
      await setup.query(`analyze public.big`);
      await setup.query(`select count(*) from public.big`);
      await setup.query(`select pg_stat_force_next_flush()`);
    });
    afterAll(async () => {
      await Promise.all(clients.map((c) => c.end().catch(() => undefined)));
      await warehouse?.close();
      await db?.drop();
    });

    it('lists table sizes, live and dead rows, and rows inserted and deleted', async () => {
      const health = await pgHealth(warehouse);
      expect(health.tables.available).toBe(true);
      const big = health.tables.available ? health.tables.rows.find((t) => t.table === 'big')! : null;
      expect(big).toMatchObject({
        schema: 'public',
        liveRows: 15000,
        deadRows: 5000,
        inserted: 20000,
        deleted: 5000,
      });
      expect(big!.deadRatio).toBeCloseTo(0.25);
      expect(big!.totalBytes).toBeGreaterThan(big!.tableBytes!);
    });

    it('flags a never-used index and a large table read by sequential scans', async () => {
      const health = await pgHealth(warehouse);
      expect(health.unusedIndexes.available && health.unusedIndexes.rows.map((i) => i.index)).toContain(
        'big_note_idx',
      );
      const hints = health.missingIndexHints.available ? health.missingIndexHints.rows : [];
      expect(hints.find((h) => h.table === 'big')).toMatchObject({ schema: 'public', liveRows: 15000 });
    });

    it('shows long-running and blocked queries with who blocks them, and connections, without waiting for locks', async () => {
      const holder = await client();
      const waiter = await client();
      const sleeper = await client();
      await holder.query('begin');
      await holder.query('lock table public.big in access exclusive mode');
      const [{ pid: holderPid }] = (await holder.query<{ pid: number }>('select pg_backend_pid() as pid'))
        .rows as [{ pid: number }];
      const [{ pid: waiterPid }] = (await waiter.query<{ pid: number }>('select pg_backend_pid() as pid'))
        .rows as [{ pid: number }];
      const waiting = waiter.query(`select count(*) from public.big /* password=hunter22 */`);
      const sleeping = sleeper.query('select pg_sleep(3)');
      await new Promise((resolve) => setTimeout(resolve, 700));
      try {
        const health = await pgHealth(warehouse, { longRunningMs: 300 });
        const blocked = health.blocked.available ? health.blocked.rows : [];
        expect(blocked.map((s) => [s.pid, s.blockedBy])).toEqual([[waiterPid, [holderPid]]]);
        expect(blocked[0]!.waitEvent).toMatch(/^Lock/);
        // secrets in statement text are masked
        expect(blocked[0]!.query).toContain('password=***');
        const long = health.longRunning.available ? health.longRunning.rows.map((s) => s.query) : [];
        expect(long).toContain('select pg_sleep(3)');
        expect(
          health.connections.available && health.connections.rows.reduce((n, c) => n + c.count, 0),
        ).toBeGreaterThanOrEqual(4);
        expect(health.connections.maxConnections).toBeGreaterThan(0);
        // the report itself does not queue behind the lock: the locked table's size is left out
        const big = health.tables.available ? health.tables.rows.find((t) => t.table === 'big') : null;
        expect(big).toMatchObject({ totalBytes: null, liveRows: 15000 });
      } finally {
        await holder.query('rollback');
        await waiting;
        await sleeping;
      }
    });
  },
);
