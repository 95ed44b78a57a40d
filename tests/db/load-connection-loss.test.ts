import { Readable } from 'node:stream';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Warehouse } from '../../src/db/connection.js';
import { ConnectionLostError, LoadError, loadTable } from '../../src/db/load-table.js';
import { failure } from '../helpers/failure.js';
import { loadContext } from '../helpers/load-context.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-databases.js';

/**
 * Ends the backend running the load's COPY, as an administrator's pg_terminate_backend would. The rows yielded so
 * far may still sit in the client's buffers, so the COPY may not show in pg_stat_activity yet: look again for a
 * while rather than once. Only a backend of this database that is in the COPY and waiting for the client's next
 * rows is ended: pg_stat_activity is the whole server's, and a backend that is starting may still show the query
 * of the one that had its slot before. Returns how many backends were ended.
 */
async function terminateCopy(url: string): Promise<number> {
  for (let tries = 0; tries < 100; tries++) {
    const ended = await terminateCopyOnce(url);
    if (ended > 0) return ended;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return 0;
}

async function terminateCopyOnce(url: string): Promise<number> {
  const admin = new pg.Client({ connectionString: url });
  // if this connection is ended under us, the query fails and the loop looks again: no uncaught 'error' event
  admin.on('error', () => undefined);
  await admin.connect();
  try {
    const result = await admin.query(
      `select pg_terminate_backend(pid) from pg_stat_activity
        where datname = current_database() and pid <> pg_backend_pid()
          and state = 'active' and wait_event = 'ClientRead' and query like 'COPY "public"."lost_rows"%'`,
    );
    return result.rowCount ?? 0;
  } finally {
    await admin.end();
  }
}

describe.skipIf(!process.env.DWH_TEST_DATABASE_URL)(
  'loadTable: the connection is lost mid-load (PostgreSQL server)',
  () => {
    let db: TestDatabase;
    let warehouse: Warehouse;
    beforeAll(async () => {
      db = await createTestDatabase('postgres', 'load-connection-loss');
      warehouse = await db.open();
      await warehouse.query('create table lost_rows (id int, name text)');
    });
    afterAll(async () => {
      await warehouse.close();
      await db.drop();
    });

    it('keeps the load error (table, file) with the connection loss as its cause, and the warehouse recovers', async () => {
      const url = db.url!;
      async function* csv() {
        yield Buffer.from('id,name\n');
        for (let i = 1; i <= 2000; i++) yield Buffer.from(`${i},row ${i}\n`);
        // the COPY is under way: end its backend from another connection, then keep sending
        expect(await terminateCopy(url)).toBe(1);
        await new Promise((resolve) => setTimeout(resolve, 200));
        for (let i = 2001; i <= 4000; i++) yield Buffer.from(`${i},row ${i}\n`);
      }
      const error = await failure(
        loadTable(
          loadContext(warehouse),
          { table: 'lost_rows', mode: 'truncate' },
          {
            kind: 'bytes',
            format: 'csv',
            header: true,
            columns: ['id', 'name'],
            parts: [{ name: 'landing/rows.csv', open: () => Readable.from(csv()) }],
          },
        ),
      );
      expect(error).toBeInstanceOf(LoadError);
      expect(error.message).toMatch(/^loading public\.lost_rows from landing\/rows\.csv/);
      expect(error.message).toMatch(/connection/i);
      expect(error.message).not.toMatch(/not queryable/);
      expect(error.cause).toBeInstanceOf(ConnectionLostError);
      // the next statement gets a fresh connection; nothing of the load was committed
      const [count] = await warehouse.query<{ n: number }>('select count(*)::int as n from lost_rows');
      expect(count!.n).toBe(0);
    });
  },
);
