import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Warehouse } from '../../src/db/connection.js';
import { derivedName } from '../../src/warehouse/derived-name.js';
import { factTable } from '../../src/warehouse/fact-table.js';
import { scdDimension } from '../../src/warehouse/scd-dimension.js';
import { createTestDatabase, targetKinds, type TestDatabase } from '../helpers/test-databases.js';
import { day, setRows } from './warehouse-helpers.js';

// 62 bytes: `<table>_<anything>` is cut by PostgreSQL to the table name plus `_`, so every derived name collides
const dimensionTable = `dim_${'customer_segment_history'.repeat(3)}`.slice(0, 62);
const factName = `fact_${'daily_sales_by_customer'.repeat(3)}`.slice(0, 61);

const customers = scdDimension({
  table: dimensionTable,
  source: 'stg_customer',
  naturalKey: ['customer_id'],
  scd2: ['segment'],
  surrogateKey: 'customer_key',
});

const sales = factTable({
  table: factName,
  source: 'stg_sales',
  grain: ['order_id'],
  dateColumn: 'order_ts',
  partition: 'month',
  dimensions: [{ lookup: customers, naturalKey: ['customer_id'] }],
  measures: ['amount'],
});

describe.each(targetKinds)('warehouse: table names near the 63-byte identifier limit (%s)', (kind) => {
  let db: TestDatabase;
  let w: Warehouse;
  beforeEach(async () => {
    db = await createTestDatabase(kind, 'long-names');
    w = await db.open();
    await w.query(`create table stg_customer (customer_id int, segment text)`);
    await w.query(
      `create table stg_sales (order_id int, order_ts timestamptz, customer_id int, amount numeric)`,
    );
  });
  afterEach(async () => {
    await w.close();
    await db.drop();
  });

  /** Constraint and index names on a table. */
  const objectNames = (table: string) =>
    w.query<{ name: string }>(
      `select conname::text as name from pg_constraint where conrelid = $1::regclass
       union select c.relname::text from pg_index i join pg_class c on c.oid = i.indexrelid
       where i.indrelid = $1::regclass order by 1`,
      [table],
    );

  it('an SCD dimension with a 62-byte name gets distinct constraint names and still explains a broken invariant', async () => {
    expect(Buffer.byteLength(dimensionTable)).toBe(62);
    await setRows(w, 'stg_customer', [{ customer_id: 1, segment: 'retail' }]);
    await customers.merge(w.knex, { end: day('2026-01-02') });
    await setRows(w, 'stg_customer', [{ customer_id: 1, segment: 'vip' }]);
    expect(await customers.merge(w.knex, { end: day('2026-01-03') })).toMatchObject({
      inserted: 1,
      closed: 1,
    });

    const names = (await objectNames(dimensionTable)).map((r) => r.name);
    const derived = [
      'natural_key_check',
      'validity_check',
      'current_check',
      'no_overlap',
      'current_uq',
      'as_of_idx',
    ].map((suffix) => derivedName(dimensionTable, suffix));
    expect(new Set(derived).size).toBe(6);
    expect(names).toEqual(expect.arrayContaining(derived));
    for (const name of names) expect(Buffer.byteLength(name)).toBeLessThanOrEqual(63);

    await setRows(w, 'stg_customer', [
      { customer_id: 2, segment: 'retail' },
      { customer_id: 2, segment: 'retail' },
    ]);
    await expect(customers.merge(w.knex, { end: day('2026-01-04') })).rejects.toThrow(
      /a new version would overlap an existing one of the same key: staging stg_customer holds the key more than once/,
    );
  });

  it('a partitioned fact with a 61-byte name creates one partition per month and distinct key names', async () => {
    await setRows(w, 'stg_customer', [{ customer_id: 1, segment: 'retail' }]);
    await customers.merge(w.knex, { end: day('2026-01-01') });
    await setRows(w, 'stg_sales', [
      { order_id: 1, order_ts: '2026-01-05T10:00:00Z', customer_id: 1, amount: 5 },
      { order_id: 2, order_ts: '2026-02-05T10:00:00Z', customer_id: 1, amount: 7 },
    ]);
    const result = await sales.reload(w.knex, { start: day('2026-01-01'), end: day('2026-03-01') });
    expect(result).toMatchObject({ inserted: 2, missing: { [dimensionTable]: 0 } });
    expect(result.partitionsCreated).toHaveLength(2);
    expect(new Set(result.partitionsCreated).size).toBe(2);
    const names = (await objectNames(factName)).map((r) => r.name);
    const derived = ['pk', 'customer_key_fk', 'order_ts_idx', 'customer_key_idx'].map((suffix) =>
      derivedName(factName, suffix),
    );
    expect(new Set(derived).size).toBe(4);
    expect(names).toEqual(expect.arrayContaining(derived));
    // a second reload finds the partitions it created by their derived names
    const again = await sales.reload(w.knex, { start: day('2026-01-01'), end: day('2026-03-01') });
    expect(again).toMatchObject({ inserted: 2, replaced: 2, partitionsCreated: [] });
    expect(again.partitionsTruncated).toEqual(result.partitionsCreated);
  });
});

describe('warehouse: derived names', () => {
  it('keep short names as they are and shorten long ones with a hash, within 63 bytes', () => {
    expect(derivedName('dim_customer', 'no_overlap')).toBe('dim_customer_no_overlap');
    const a = derivedName(dimensionTable, 'current_uq');
    const b = derivedName(dimensionTable, 'current_check');
    expect(a).not.toBe(b);
    expect(a).toMatch(/_[0-9a-f]{8}_current_uq$/);
    expect(derivedName(dimensionTable, 'current_uq')).toBe(a);
    expect(Buffer.byteLength(derivedName('ä'.repeat(40), 'validity_check'))).toBeLessThanOrEqual(63);
    expect(Buffer.byteLength(derivedName('t', `${'k'.repeat(70)}_fk`))).toBeLessThanOrEqual(63);
  });

  it('a table name longer than PostgreSQL keeps is refused when declared', () => {
    const table = 'd'.repeat(64);
    expect(() => scdDimension({ table, source: 's', naturalKey: ['id'] })).toThrow(
      /scdDimension\(d+\): the table name is 64 bytes; PostgreSQL keeps 63/,
    );
    expect(() => factTable({ table, source: 's', grain: ['id'], dateColumn: 'ts' })).toThrow(
      /the table name is 64 bytes/,
    );
  });
});
