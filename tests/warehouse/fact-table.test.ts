import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Warehouse } from '../../src/db/connection.js';
import { dateDimension } from '../../src/warehouse/date-dimension.js';
import { DataError } from '../../src/core/errors.js';
import { factTable, type FactDimension } from '../../src/warehouse/fact-table.js';
import { scdDimension } from '../../src/warehouse/scd-dimension.js';
import { UnknownMembersError } from '../../src/warehouse/warehouse-error.js';
import { createTestDatabase, targetKinds, type TestDatabase } from '../helpers/test-databases.js';
import { day, setRows, snapshot } from './warehouse-helpers.js';

const customers = scdDimension({
  table: 'dim_customer',
  source: 'stg_customer',
  naturalKey: ['customer_id'],
  scd2: ['segment'],
  effectiveFrom: 'changed_at',
});
const dates = dateDimension({ from: '2026-01-01', to: '2026-03-31' });

function sales(missing: FactDimension['missing'] = 'unknown') {
  return factTable({
    table: 'fact_sales',
    source: 'stg_sales',
    grain: ['order_id'],
    dateColumn: 'order_ts',
    partition: 'month',
    dimensions: [
      { lookup: customers, naturalKey: ['customer_id'], missing },
      { lookup: dates, naturalKey: ['order_date'] },
    ],
    measures: ['amount'],
  });
}

const order = (order_id: number, ts: string, customer_id: number | null, amount = '10.00') => ({
  order_id,
  order_ts: ts,
  order_date: ts.slice(0, 10),
  customer_id,
  amount,
});

describe.each(targetKinds)('warehouse: fact table (%s)', (kind) => {
  let db: TestDatabase;
  let w: Warehouse;
  beforeEach(async () => {
    db = await createTestDatabase(kind, 'fact-table');
    w = await db.open();
    await w.query(`create table stg_customer (customer_id int, segment text, changed_at timestamptz)`);
    await w.query(
      `create table stg_sales (order_id int, order_ts timestamptz, order_date date, customer_id int, amount numeric(10,2))`,
    );
    await dates.ensure(w.knex);
    await setRows(w, 'stg_customer', [
      { customer_id: 1, segment: 'retail', changed_at: '2026-01-01T00:00:00Z' },
      { customer_id: 2, segment: 'retail', changed_at: '2026-01-01T00:00:00Z' },
    ]);
    await customers.merge(w.knex, { end: day('2026-01-02') });
    await setRows(w, 'stg_customer', [
      { customer_id: 1, segment: 'vip', changed_at: '2026-01-03T12:00:00Z' },
      { customer_id: 2, segment: 'retail', changed_at: '2026-01-01T00:00:00Z' },
    ]);
    await customers.merge(w.knex, { end: day('2026-01-04') });
  });
  afterEach(async () => {
    await w.close();
    await db.drop();
  });

  const facts = () =>
    w.query<Record<string, unknown>>(
      `select f.order_id, c.segment, f.date_key, f.amount, f.run_id
       from fact_sales f join dim_customer c using (customer_key) order by order_id`,
    );
  const partitions = async () =>
    (
      await w.query<{ name: string }>(
        `select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid
         where i.inhparent = 'fact_sales'::regclass and c.relkind in ('r', 'p') order by 1`,
      )
    ).map((r) => r.name);

  it('looks surrogate keys up point in time and creates month partitions on demand', async () => {
    await setRows(w, 'stg_sales', [
      order(1, '2026-01-03T11:00:00Z', 1),
      order(2, '2026-01-03T13:00:00Z', 1),
      order(3, '2026-02-10T09:00:00Z', 2),
    ]);
    const result = await sales().reload(w.knex, {
      start: day('2026-01-01'),
      end: day('2026-03-01'),
      runId: 5,
    });
    expect(result).toMatchObject({
      inserted: 3,
      replaced: 0,
      missing: { dim_customer: 0, dim_date: 0 },
      partitionsCreated: ['fact_sales_2026_01', 'fact_sales_2026_02'],
    });
    expect(await facts()).toEqual([
      { order_id: 1, segment: 'retail', date_key: 20260103, amount: '10.00', run_id: 5 },
      { order_id: 2, segment: 'vip', date_key: 20260103, amount: '10.00', run_id: 5 },
      { order_id: 3, segment: 'retail', date_key: 20260210, amount: '10.00', run_id: 5 },
    ]);
    expect(await partitions()).toEqual(['fact_sales_2026_01', 'fact_sales_2026_02']);
  });

  it('enforces the foreign keys to its dimensions', async () => {
    await setRows(w, 'stg_sales', [order(1, '2026-01-03T11:00:00Z', 1)]);
    await sales().reload(w.knex, { start: day('2026-01-01'), end: day('2026-02-01') });
    await expect(
      w.query(
        `insert into fact_sales (customer_key, date_key, order_id, order_ts, amount) values (999, 20260103, 9, '2026-01-03', 1)`,
      ),
    ).rejects.toThrow(/fact_sales_customer_key_fk/);
  });

  it('a reload of one day leaves the other days untouched', async () => {
    await setRows(w, 'stg_sales', [
      order(1, '2026-01-01T10:00:00Z', 1),
      order(2, '2026-01-02T10:00:00Z', 1),
      order(3, '2026-01-03T10:00:00Z', 2),
    ]);
    await sales().reload(w.knex, { start: day('2026-01-01'), end: day('2026-01-04'), runId: 1 });
    const others = () => snapshot(w, 'fact_sales', 'order_id').then((rows) => rows.filter((_, i) => i !== 1));
    const before = await others();
    await setRows(w, 'stg_sales', [
      order(1, '2026-01-01T10:00:00Z', 1, '99.00'),
      order(2, '2026-01-02T10:00:00Z', 1, '20.00'),
      order(4, '2026-01-02T18:00:00Z', 2, '30.00'),
      order(3, '2026-01-03T10:00:00Z', 2, '99.00'),
    ]);
    const result = await sales().reload(w.knex, {
      start: day('2026-01-02'),
      end: day('2026-01-03'),
      runId: 2,
    });
    expect(result).toMatchObject({ inserted: 2, replaced: 1, partitionsTruncated: [] });
    expect((await facts()).map((r) => [r.order_id, r.amount, r.run_id])).toEqual([
      [1, '10.00', 1],
      [2, '20.00', 2],
      [3, '10.00', 1],
      [4, '30.00', 2],
    ]);
    const after = await snapshot(w, 'fact_sales', 'order_id');
    expect([after[0], after[2]]).toEqual(before);
  });

  it('a window covering a whole month truncates that partition and leaves the other months alone', async () => {
    await setRows(w, 'stg_sales', [order(1, '2026-01-05T10:00:00Z', 2), order(2, '2026-02-05T10:00:00Z', 2)]);
    await sales().reload(w.knex, { start: day('2026-01-01'), end: day('2026-03-01'), runId: 1 });
    await setRows(w, 'stg_sales', [order(5, '2026-01-06T10:00:00Z', 2)]);
    const result = await sales().reload(w.knex, {
      start: day('2026-01-01'),
      end: day('2026-02-01'),
      runId: 2,
    });
    expect(result).toMatchObject({ inserted: 1, replaced: 1, partitionsTruncated: ['fact_sales_2026_01'] });
    expect((await facts()).map((r) => [r.order_id, r.run_id])).toEqual([
      [2, 1],
      [5, 2],
    ]);
  });

  it('a missing member points at the unknown member −1 and is counted per dimension', async () => {
    await setRows(w, 'stg_sales', [
      order(1, '2026-01-03T10:00:00Z', 42),
      order(2, '2026-01-03T10:00:00Z', null),
      order(3, '2026-01-03T10:00:00Z', 2),
    ]);
    const result = await sales().reload(w.knex, { start: day('2026-01-01'), end: day('2026-02-01') });
    expect(result.missing).toEqual({ dim_customer: 2, dim_date: 0 });
    const keys = await w.query(`select order_id, customer_key from fact_sales order by order_id`);
    expect(keys.map((r) => r.customer_key === -1)).toEqual([true, true, false]);
  });

  it("a fact dated before its key's first version maps to that version; beforeFirstVersion: 'unknown' is strict", async () => {
    // a dimension built by one full load: every version starts at that load's end, after the facts
    const fresh = scdDimension({
      table: 'dim_store',
      source: 'stg_store',
      naturalKey: ['store_id'],
      scd2: ['region'],
    });
    await w.query(`create table stg_store (store_id int, region text)`);
    await w.query(`create table stg_visits (visit_id int, visit_ts timestamptz, store_id int)`);
    await setRows(w, 'stg_store', [
      { store_id: 1, region: 'north' },
      { store_id: 2, region: 'south' },
    ]);
    await fresh.merge(w.knex, { end: day('2026-02-01') });
    await setRows(w, 'stg_store', [
      { store_id: 1, region: 'east' },
      { store_id: 2, region: 'south' },
    ]);
    await fresh.merge(w.knex, { end: day('2026-02-10') });
    await setRows(w, 'stg_visits', [
      { visit_id: 1, visit_ts: '2026-01-05T10:00:00Z', store_id: 1 },
      { visit_id: 2, visit_ts: '2026-01-20T10:00:00Z', store_id: 2 },
      { visit_id: 3, visit_ts: '2026-02-05T10:00:00Z', store_id: 1 },
      { visit_id: 4, visit_ts: '2026-02-15T10:00:00Z', store_id: 1 },
    ]);
    const visits = (beforeFirstVersion?: FactDimension['beforeFirstVersion']) =>
      factTable({
        table: 'fact_visits',
        source: 'stg_visits',
        grain: ['visit_id'],
        dateColumn: 'visit_ts',
        dimensions: [
          { lookup: fresh, naturalKey: ['store_id'], ...(beforeFirstVersion ? { beforeFirstVersion } : {}) },
        ],
      });
    const regions = () =>
      w.query<{ visit_id: number; region: string | null }>(
        `select f.visit_id, d.region from fact_visits f join dim_store d using (store_key) order by visit_id`,
      );
    const window = { start: day('2026-01-01'), end: day('2026-03-01') };

    expect((await visits().reload(w.knex, window)).missing).toEqual({ dim_store: 0 });
    // before the first version → the first version; later facts still find the version valid at their time
    expect(await regions()).toEqual([
      { visit_id: 1, region: 'north' },
      { visit_id: 2, region: 'south' },
      { visit_id: 3, region: 'north' },
      { visit_id: 4, region: 'east' },
    ]);

    const strict = await visits('unknown').reload(w.knex, window);
    expect(strict).toMatchObject({ missing: { dim_store: 2 }, unknownRatio: { dim_store: 0.5 } });
    expect((await regions()).map((r) => r.region)).toEqual([null, null, 'north', 'east']);
    expect(() => visits('never' as 'unknown')).toThrow(
      /dimensions\[0\]\.beforeFirstVersion must be 'first-version' or 'unknown' \(got "never"\)/,
    );
  });

  it('maxUnknownRatio: a load with a larger share of -1 fails with a data error and writes nothing', async () => {
    await setRows(w, 'stg_sales', [order(1, '2026-01-03T10:00:00Z', 2)]);
    await sales().reload(w.knex, { start: day('2026-01-01'), end: day('2026-02-01') });
    const before = await snapshot(w, 'fact_sales', 'order_id');
    await setRows(w, 'stg_sales', [
      order(1, '2026-01-03T10:00:00Z', 42),
      order(2, '2026-01-03T11:00:00Z', 2),
      order(3, '2026-01-03T12:00:00Z', 1),
    ]);
    const limited = (maxUnknownRatio: number) =>
      factTable({
        table: 'fact_sales',
        source: 'stg_sales',
        grain: ['order_id'],
        dateColumn: 'order_ts',
        partition: 'month',
        dimensions: [
          { lookup: customers, naturalKey: ['customer_id'] },
          { lookup: dates, naturalKey: ['order_date'] },
        ],
        measures: ['amount'],
        maxUnknownRatio,
      });
    const error = await limited(0.3)
      .reload(w.knex, { start: day('2026-01-01'), end: day('2026-02-01') })
      .catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(UnknownMembersError);
    expect(error).toBeInstanceOf(DataError);
    expect(error).toMatchObject({
      code: 'DATA',
      dimension: 'dim_customer',
      unknown: 1,
      total: 3,
      message:
        '1 of 3 row(s) of fact_sales (33.3%) have no member in dim_customer: more than maxUnknownRatio 0.3 allows; nothing was written',
    });
    expect(await snapshot(w, 'fact_sales', 'order_id')).toEqual(before);

    const allowed = await limited(0.34).reload(w.knex, { start: day('2026-01-01'), end: day('2026-02-01') });
    expect(allowed).toMatchObject({ inserted: 3, missing: { dim_customer: 1 } });
    expect(() => limited(1.5)).toThrow(/maxUnknownRatio must be a number from 0 to 1 \(got 1.5\)/);
  });

  it("missing: 'inferred' inserts an inferred member that the next dimension load completes", async () => {
    await setRows(w, 'stg_sales', [
      order(1, '2026-01-03T10:00:00Z', 42),
      order(2, '2026-01-04T10:00:00Z', 42),
    ]);
    const result = await sales('inferred').reload(w.knex, {
      start: day('2026-01-01'),
      end: day('2026-02-01'),
    });
    expect(result).toMatchObject({
      inferred: { dim_customer: 1 },
      missing: { dim_customer: 0, dim_date: 0 },
    });
    const [fact] = await w.query(`select distinct customer_key from fact_sales`);
    const members = () =>
      w.query(
        `select customer_key, segment, valid_from::text as f, valid_to::text as t from dim_customer
         where customer_id = 42 order by valid_from`,
      );
    expect(await members()).toEqual([
      { customer_key: fact!.customer_key, segment: null, f: '-infinity', t: 'infinity' },
    ]);
    await setRows(w, 'stg_customer', [
      { customer_id: 42, segment: 'retail', changed_at: '2026-01-05T00:00:00Z' },
    ]);
    await customers.merge(w.knex, { end: day('2026-01-06') });
    expect(await members()).toEqual([
      { customer_key: fact!.customer_key, segment: null, f: '-infinity', t: '2026-01-05 00:00:00+00' },
      {
        customer_key: expect.any(Number) as number,
        segment: 'retail',
        f: '2026-01-05 00:00:00+00',
        t: 'infinity',
      },
    ]);
  });

  it('a failing reload leaves the fact, its partitions and the dimensions as before', async () => {
    await setRows(w, 'stg_sales', [order(1, '2026-01-03T10:00:00Z', 1)]);
    await sales().reload(w.knex, { start: day('2026-01-01'), end: day('2026-02-01') });
    const before = await snapshot(w, 'fact_sales', 'order_id');
    const dimBefore = await snapshot(w, 'dim_customer', 'customer_key');
    // a new month (partition created), an inferred member, then a duplicate grain fails the insert
    await setRows(w, 'stg_sales', [
      order(1, '2026-01-03T10:00:00Z', 77),
      order(1, '2026-01-03T10:00:00Z', 77),
      order(2, '2026-02-03T10:00:00Z', 1),
    ]);
    await expect(
      sales('inferred').reload(w.knex, { start: day('2026-01-01'), end: day('2026-03-01') }),
    ).rejects.toThrow(/fact_sales_pk|duplicate key/);
    expect(await snapshot(w, 'fact_sales', 'order_id')).toEqual(before);
    expect(await snapshot(w, 'dim_customer', 'customer_key')).toEqual(dimBefore);
    expect(await partitions()).toEqual(['fact_sales_2026_01']);
  });
});
