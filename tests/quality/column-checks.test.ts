import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { migrate } from '../../src/audit/migrate.js';
import type { Warehouse } from '../../src/db/connection.js';
import {
  acceptedValues,
  evaluateCheck,
  expression,
  notNull,
  range,
  relationships,
  rowCount,
  unique,
} from '../../src/index.js';
import { notNullSql, uniqueSql } from '../../src/quality/column-checks.js';
import { createTestDatabase, targetKinds, type TestDatabase } from '../helpers/test-databases.js';
import { exec, scopeFor } from './check-scope.js';

describe('quality: row-level SQL generators', () => {
  it('quotes every identifier and binds where parameters before their own values', () => {
    const sql = notNullSql(
      {
        kind: 'not_null',
        table: 'sales.orders',
        columns: ['customer_id', 'Status'],
        where: 'ordered_at >= :start_load_date',
      },
      { start_load_date: new Date('2026-03-01T00:00:00Z') },
    );
    expect(sql.text).toBe(
      'select * from "sales"."orders" where (ordered_at >= $1) and ("customer_id" is null or "Status" is null)',
    );
    expect(sql.values).toEqual([new Date('2026-03-01T00:00:00Z')]);
  });

  it('groups a compound key and ignores rows with a null in it', () => {
    const sql = uniqueSql({ kind: 'unique', table: 'orders', columns: ['order_id', 'line'] }, {});
    expect(sql.text).toContain('group by "order_id", "line" having count(*) > 1');
    expect(sql.text).toContain('"order_id" is not null and "line" is not null');
  });

  it('rejects a bad declaration when the factory loads, naming the function and key', () => {
    expect(() => notNull({ table: 'orders', columns: [] })).toThrow(
      /notNull\(\): columns: .*(>=1|at least 1)/i,
    );
    expect(() => range({ table: 'orders', column: 'amount' })).toThrow(/range\(\): .*needs min, max or both/);
    expect(() => unique({ table: 'orders; drop table x', columns: ['a'] })).toThrow(
      /unique\(\): table: must be a table name/,
    );
    expect(() => rowCount({ table: 'orders', min: 1, colour: 'red' } as never)).toThrow(
      /unknown key\(s\) 'colour'/,
    );
  });
});

describe.each(targetKinds)('quality: row-level checks (%s)', (kind) => {
  let db: TestDatabase;
  let warehouse: Warehouse;
  const evaluate = (check: Parameters<typeof evaluateCheck>[0]) => evaluateCheck(check, scopeFor(warehouse));

  beforeAll(async () => {
    db = await createTestDatabase(kind, 'quality-rows');
    warehouse = await db.open();
    await migrate(warehouse);
  });
  afterAll(async () => {
    await warehouse.close();
    await db.drop();
  });
  beforeEach(async () => {
    await exec(
      warehouse,
      'drop table if exists orders',
      'drop table if exists customers',
      'create table customers (customer_id integer primary key, name text)',
      `insert into customers values (1, 'Ada'), (2, 'Brian'), (3, 'Chen')`,
      `create table orders (order_id integer, line integer, customer_id integer, status text,
         amount numeric(10, 2), ordered_at timestamptz)`,
      `insert into orders values
         (1, 1, 1, 'paid', 10.00, '2026-03-01T10:00:00Z'), (1, 2, 1, 'paid', 5.50, '2026-03-01T10:00:00Z'),
         (2, 1, 2, 'new', 20.00, '2026-03-02T09:00:00Z'), (3, 1, 3, 'shipped', 99.99, '2026-03-04T23:59:59Z')`,
    );
  });

  it('notNull passes on complete rows and fails with the rows holding a null', async () => {
    const check = notNull({ table: 'orders', columns: ['customer_id', 'status'] });
    expect(await evaluate(check)).toMatchObject({
      status: 'pass',
      observed: 0,
      failingRows: 0,
      sample: null,
    });
    await exec(
      warehouse,
      `insert into orders values (4, 1, null, 'new', 1, now()), (5, 1, 2, null, 1, now())`,
    );
    const result = await evaluate(check);
    expect(result).toMatchObject({
      status: 'fail',
      kind: 'not_null',
      table: 'orders',
      observed: 2,
      failingRows: 2,
    });
    expect(result.sample!.map((r) => r.order_id).sort()).toEqual([4, 5]);
    expect(result.message).toBe('2 rows of orders with a null in customer_id, status');
  });

  it('unique checks a compound key and reports each duplicated key with its occurrences', async () => {
    const check = unique({ table: 'orders', columns: ['order_id', 'line'] });
    expect(await evaluate(check)).toMatchObject({ status: 'pass', observed: 0 });
    await exec(
      warehouse,
      `insert into orders values (1, 2, 1, 'paid', 5.5, now()), (1, 2, 1, 'paid', 5.5, now()), (2, 1, 2, 'new', 1, now())`,
    );
    const result = await evaluate(check);
    expect(result).toMatchObject({ status: 'fail', observed: 2, failingRows: 2 });
    expect(result.sample).toEqual([
      { order_id: 1, line: 2, occurrences: 3 },
      { order_id: 2, line: 1, occurrences: 2 },
    ]);
  });

  it('acceptedValues fails on other values and ignores nulls', async () => {
    const check = acceptedValues({ table: 'orders', column: 'status', values: ['new', 'paid', 'shipped'] });
    await exec(warehouse, `insert into orders values (9, 1, 1, null, 1, now())`);
    expect(await evaluate(check)).toMatchObject({ status: 'pass', observed: 0 });
    await exec(warehouse, `insert into orders values (7, 1, 1, 'refunded', 1, now())`);
    const result = await evaluate(check);
    expect(result).toMatchObject({ status: 'fail', observed: 1, threshold: 'in (new, paid, shipped)' });
    expect(result.sample).toEqual([expect.objectContaining({ order_id: 7, status: 'refunded' })]);
  });

  it('range compares inclusive bounds in the column type, numbers and timestamps alike', async () => {
    const amount = range({ table: 'orders', column: 'amount', min: 0, max: 99.99 });
    const when = range({ table: 'orders', column: 'ordered_at', min: '2026-03-01', max: '2026-03-31' });
    expect(await evaluate(amount)).toMatchObject({ status: 'pass', threshold: '>= 0 and <= 99.99' });
    expect(await evaluate(when)).toMatchObject({ status: 'pass' });
    await exec(warehouse, `insert into orders values (8, 1, 1, 'paid', -3.00, '2026-02-27T12:00:00Z')`);
    const result = await evaluate(amount);
    expect(result).toMatchObject({ status: 'fail', observed: 1, failingRows: 1 });
    expect(result.sample).toEqual([expect.objectContaining({ order_id: 8, amount: '-3.00' })]);
    expect(await evaluate(when)).toMatchObject({ status: 'fail', observed: 1 });
  });

  it('relationships lists child keys missing from the parent with their row counts', async () => {
    const check = relationships({
      table: 'orders',
      column: 'customer_id',
      parent: { table: 'customers', column: 'customer_id' },
    });
    expect(await evaluate(check)).toMatchObject({ status: 'pass', observed: 0 });
    await exec(
      warehouse,
      `insert into orders values (10, 1, 42, 'new', 1, now()), (11, 1, 42, 'new', 1, now()), (12, 1, 7, 'new', 1, now())`,
    );
    const result = await evaluate(check);
    expect(result).toMatchObject({ status: 'fail', observed: 2, failingRows: 2 });
    expect(result.sample).toEqual([
      { missing_key: 42, child_rows: 2 },
      { missing_key: 7, child_rows: 1 },
    ]);
  });

  it('rowCount compares the row count with min and max and honours where', async () => {
    expect(await evaluate(rowCount({ table: 'orders', min: 1, max: 10 }))).toMatchObject({
      status: 'pass',
      observed: 4,
      threshold: 'between 1 and 10',
    });
    const windowed = rowCount({ table: 'orders', min: 1, where: 'ordered_at >= :end_load_date' });
    const result = await evaluate(windowed);
    expect(result).toMatchObject({ status: 'fail', observed: 0, threshold: '>= 1', sample: null });
    expect(result.message).toBe('orders has 0 row(s), expected >= 1');
  });

  it('expression stores the failing rows of a custom query, with window parameters bound', async () => {
    const check = expression({
      name: 'no negative totals in the window',
      table: 'orders',
      sql: `select order_id, sum(amount) as total from orders
            where ordered_at >= :start_load_date and ordered_at < :end_load_date
            group by order_id having sum(amount) < 0;`,
    });
    expect(await evaluate(check)).toMatchObject({
      status: 'pass',
      observed: 0,
      name: 'no negative totals in the window',
    });
    await exec(warehouse, `insert into orders values (3, 2, 3, 'shipped', -150.00, '2026-03-04T12:00:00Z')`);
    const result = await evaluate(check);
    expect(result).toMatchObject({ status: 'fail', observed: 1, sample: [{ order_id: 3, total: '-50.01' }] });
  });

  it('a warn check that fails is a warning; a missing table is an error result, not a crash', async () => {
    await exec(warehouse, `insert into orders values (4, 1, null, 'new', 1, now())`);
    expect(
      await evaluate(notNull({ table: 'orders', columns: ['customer_id'], severity: 'warn' })),
    ).toMatchObject({
      status: 'warn',
      severity: 'warn',
      observed: 1,
    });
    const missing = await evaluate(notNull({ table: 'nowhere', columns: ['x'] }));
    expect(missing).toMatchObject({
      status: 'error',
      observed: null,
      message: 'could not run: table nowhere does not exist',
    });
  });
});
