import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Warehouse } from '../../src/db/connection.js';
import { insertRowsSql, stageTable } from '../../src/warehouse/staging.js';
import { applyViews, planViews } from '../../src/warehouse/views.js';
import { createTestDatabase, targetKinds, type TestDatabase } from '../helpers/test-databases.js';
import { snapshot } from './warehouse-helpers.js';

function viewsDir(files: Record<string, string>): string {
  const dir = path.join(mkdtempSync(path.join(os.tmpdir(), 'dwh-views-')), 'views');
  mkdirSync(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  return dir;
}

describe('warehouse: views plan', () => {
  it('orders views so each comes after the views it reads, whatever the file names', () => {
    const dir = viewsDir({
      'a_top.sql': 'CREATE OR REPLACE VIEW top_customers AS SELECT * FROM revenue_by_customer LIMIT 10;',
      'b_revenue.sql': '-- revenue\nCREATE OR REPLACE VIEW revenue_by_customer AS SELECT * FROM "Base";',
      'c_base.sql':
        'CREATE MATERIALIZED VIEW "Base" AS SELECT 1 AS x;\nCREATE INDEX IF NOT EXISTS base_x ON "Base" (x);',
    });
    const plan = planViews(dir);
    expect(plan.map((v) => [v.file, v.name, v.materialized])).toEqual([
      ['c_base.sql', 'Base', true],
      ['b_revenue.sql', 'revenue_by_customer', false],
      ['a_top.sql', 'top_customers', false],
    ]);
    rmSync(path.dirname(dir), { recursive: true });
  });

  it('names the files of a cycle, of a missing CREATE and of a plain CREATE VIEW', () => {
    const cycle = viewsDir({
      'x.sql': 'CREATE OR REPLACE VIEW x AS SELECT * FROM y;',
      'y.sql': 'CREATE OR REPLACE VIEW y AS SELECT * FROM x;',
    });
    expect(() => planViews(cycle)).toThrow(/views: dependency cycle x.sql → y.sql → x.sql/);
    expect(() => planViews(viewsDir({ 'n.sql': 'SELECT 1;' }))).toThrow(
      /views\/n.sql: the first statement must be/,
    );
    expect(() => planViews(viewsDir({ 'p.sql': 'CREATE VIEW p AS SELECT 1;' }))).toThrow(
      /views\/p.sql: write CREATE OR REPLACE VIEW/,
    );
  });
});

describe.each(targetKinds)('warehouse: views and staging (%s)', (kind) => {
  let db: TestDatabase;
  let w: Warehouse;
  beforeEach(async () => {
    db = await createTestDatabase(kind, 'views-staging');
    w = await db.open();
    await w.query('create table src (id int, amount int)');
    await w.query('create table stg (id int, name text)');
    await w.query('insert into src values (1, 10), (2, 20)');
  });
  afterEach(async () => {
    await w.close();
    await db.drop();
  });

  it('creates views in dependency order and refreshes materialized views on later runs', async () => {
    const dir = viewsDir({
      '1_total.sql': 'CREATE OR REPLACE VIEW total AS SELECT sum(amount) AS amount FROM src_mv;',
      '2_src_mv.sql': 'CREATE MATERIALIZED VIEW src_mv AS SELECT * FROM src;',
    });
    expect(await applyViews(w.knex, dir)).toEqual({ created: ['src_mv', 'total'], refreshed: [] });
    await w.query('insert into src values (3, 30)');
    expect(await w.query('select amount::int from total')).toEqual([{ amount: 30 }]);
    expect(await applyViews(w.knex, dir)).toEqual({ created: ['total'], refreshed: ['src_mv'] });
    expect(await w.query('select amount::int from total')).toEqual([{ amount: 60 }]);
  });

  it('a failing view file rolls back every view of the run and names the file and line', async () => {
    const dir = viewsDir({
      'a.sql': 'CREATE OR REPLACE VIEW a AS SELECT 1 AS x;',
      'b.sql': '\n\nCREATE OR REPLACE VIEW b AS SELECT * FROM no_such_table;',
    });
    await expect(applyViews(w.knex, dir)).rejects.toThrow(/views\/b.sql line 3: .*no_such_table/);
    expect(await w.query(`select to_regclass('a')::text as t`)).toEqual([{ t: null }]);
  });

  it('stages rows with truncate, load and checks in one step', async () => {
    await w.query(`insert into stg values (99, 'old')`);
    const load = insertRowsSql(
      { table: 'stg' },
      ['id', 'name'],
      [
        [1, 'a'],
        [2, ''],
        [3, null],
      ],
      2,
    );
    expect(load).toHaveLength(2);
    const result = await stageTable(w.knex, {
      table: 'stg',
      naturalKey: ['id'],
      load: async (query) => {
        for (const statement of load) await query(statement);
      },
    });
    expect(result).toEqual({ rows: 3 });
    expect(await w.query('select * from stg order by id')).toEqual([
      { id: 1, name: 'a' },
      { id: 2, name: '' },
      { id: 3, name: null },
    ]);
  });

  it('fails on duplicate natural keys listing up to 20 of them, leaving staging as before', async () => {
    await w.query(`insert into stg values (99, 'old')`);
    const before = await snapshot(w, 'stg', 'id');
    const error = (await stageTable(w.knex, {
      table: 'stg',
      naturalKey: ['id'],
      load: { text: 'INSERT INTO stg SELECT g % 25, $1 FROM generate_series(1, 60) g', values: ['x'] },
    }).catch((e: unknown) => e)) as Error & { keys: unknown[] };
    expect(error.message).toMatch(
      /^staging stg: duplicate natural key \(id\): 0 \(2×\), 1 \(3×\), .*, 19 \(2×\), …$/,
    );
    expect(error.keys).toHaveLength(20);
    expect(await snapshot(w, 'stg', 'id')).toEqual(before);
  });

  it('fails on NULL natural keys and on too few rows', async () => {
    await expect(
      stageTable(w.knex, {
        table: 'stg',
        naturalKey: ['id'],
        load: { text: `INSERT INTO stg VALUES (NULL, 'x'), (1, 'y')`, values: [] },
      }),
    ).rejects.toThrow(/staging stg: 1 row\(s\) with a NULL natural key \(id\)/);
    await expect(
      stageTable(w.knex, {
        table: 'stg',
        minRows: 5,
        load: { text: `INSERT INTO stg VALUES (1, 'y')`, values: [] },
      }),
    ).rejects.toThrow(/staging stg: 1 row\(s\) staged, at least 5 expected/);
  });
});
