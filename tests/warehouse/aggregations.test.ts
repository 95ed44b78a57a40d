import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Warehouse } from '../../src/db/connection.js';
import type { Aggregation } from '../../src/warehouse/aggregation-sql.js';
import { refreshAggregation } from '../../src/warehouse/aggregations.js';
import { createTestDatabase, targetKinds, type TestDatabase } from '../helpers/test-databases.js';
import { day, setRows } from './warehouse-helpers.js';

const base = {
  source: { table: 'sales' },
  timeColumn: 'ts',
  groupBy: ['store'],
  measures: { revenue: { fn: 'sum', column: 'amount' }, orders: { fn: 'count' } },
} as const;

const sale = (ts: string, store: string, amount: number) => ({ ts, store, amount });

describe.each(targetKinds)('warehouse: aggregations (%s)', (kind) => {
  let db: TestDatabase;
  let w: Warehouse;
  beforeEach(async () => {
    db = await createTestDatabase(kind, 'aggregations');
    w = await db.open();
    await w.query(`create table sales (ts timestamptz, store text, amount numeric(10,2))`);
    await setRows(w, 'sales', [
      sale('2026-01-30T10:00:00Z', 'A', 5),
      sale('2026-01-31T10:00:00Z', 'A', 20),
      sale('2026-02-01T09:00:00Z', 'A', 7),
      sale('2026-02-01T11:00:00Z', 'B', 120),
      sale('2026-02-02T12:00:00Z', 'A', 60),
      sale('2026-02-04T12:00:00Z', 'A', 1),
    ]);
  });
  afterEach(async () => {
    await w.close();
    await db.drop();
  });

  const rows = (table: string) =>
    w
      .query<Record<string, unknown>>(`select * from ${table} order by 1, 2, 3`)
      .then((all) =>
        all.map((r) =>
          Object.values(r).map((v) => (typeof v === 'string' && /^-?\d+\.\d+$/.test(v) ? Number(v) : v)),
        ),
      );
  const refresh = (spec: Aggregation, start: string, end: string) =>
    refreshAggregation(w.knex, spec, { start: day(start), end: day(end) });

  it('tumbling month periods per store, recomputing only the periods the window touches', async () => {
    const spec: Aggregation = {
      ...base,
      kind: 'tumbling',
      period: 'month',
      target: { table: 'sales_monthly' },
    };
    await refresh(spec, '2026-01-01', '2026-03-01');
    expect(await rows('sales_monthly')).toEqual([
      ['2026-01-01', 'A', 25, 2],
      ['2026-02-01', 'A', 68, 3],
      ['2026-02-01', 'B', 120, 1],
    ]);
    await w.query(
      `insert into sales values ('2026-01-15T00:00:00Z', 'A', 100), ('2026-02-15T00:00:00Z', 'B', 1)`,
    );
    // a window inside February recomputes all of February and leaves January as it was
    const result = await refresh(spec, '2026-02-10', '2026-02-11');
    expect(result).toEqual({ deleted: 2, inserted: 2 });
    expect(await rows('sales_monthly')).toEqual([
      ['2026-01-01', 'A', 25, 2],
      ['2026-02-01', 'A', 68, 3],
      ['2026-02-01', 'B', 121, 2],
    ]);
  });

  it('tumbling ISO weeks start on Monday', async () => {
    const spec: Aggregation = {
      ...base,
      groupBy: [],
      kind: 'tumbling',
      period: 'week',
      target: { table: 'sales_weekly' },
    };
    await refresh(spec, '2026-01-26', '2026-02-09');
    expect(await rows('sales_weekly')).toEqual([
      ['2026-01-26', 152, 4],
      ['2026-02-02', 61, 2],
    ]);
  });

  it('rolling 3-day sums per store, also updating the days after the window', async () => {
    const spec: Aggregation = { ...base, kind: 'rolling', days: 3, target: { table: 'sales_rolling' } };
    await refresh(spec, '2026-01-30', '2026-02-05');
    expect(await rows('sales_rolling')).toEqual([
      ['2026-01-30', 'A', 5, 1],
      ['2026-01-31', 'A', 25, 2],
      ['2026-02-01', 'A', 32, 3],
      ['2026-02-01', 'B', 120, 1],
      ['2026-02-02', 'A', 87, 3],
      ['2026-02-04', 'A', 61, 2],
    ]);
    await w.query(`insert into sales values ('2026-01-31T23:00:00Z', 'A', 1000)`);
    await refresh(spec, '2026-01-31', '2026-02-01');
    expect((await rows('sales_rolling')).filter((r) => r[1] === 'A').map((r) => r[2])).toEqual([
      5, 1025, 1032, 1087, 61,
    ]);
  });

  it('numeric buckets per month and store', async () => {
    const spec: Aggregation = {
      ...base,
      kind: 'buckets',
      period: 'month',
      column: 'amount',
      bounds: [10, 100],
      target: { table: 'sales_buckets' },
    };
    await refresh(spec, '2026-01-01', '2026-03-01');
    expect(await rows('sales_buckets')).toEqual([
      ['2026-01-01', '< 10', 'A', 5, 1],
      ['2026-01-01', '[10, 100)', 'A', 20, 1],
      ['2026-02-01', '< 10', 'A', 8, 2],
      ['2026-02-01', '>= 100', 'B', 120, 1],
      ['2026-02-01', '[10, 100)', 'A', 60, 1],
    ]);
  });

  it('delta against the previous period, NULL when the group had none', async () => {
    const spec: Aggregation = { ...base, kind: 'delta', period: 'month', target: { table: 'sales_delta' } };
    await refresh(spec, '2026-02-01', '2026-03-01');
    expect(await rows('sales_delta')).toEqual([
      ['2026-02-01', 'A', 68, 25, 43, 3, 2, 1],
      ['2026-02-01', 'B', 120, null, null, 1, null, null],
    ]);
  });

  it('running totals continue from the stored total before the window', async () => {
    const spec: Aggregation = {
      ...base,
      measures: { revenue: { fn: 'sum', column: 'amount' } },
      kind: 'running_total',
      period: 'day',
      target: { table: 'sales_running' },
    };
    await refresh(spec, '2026-01-30', '2026-02-01');
    await refresh(spec, '2026-02-01', '2026-02-03');
    expect(await rows('sales_running')).toEqual([
      ['2026-01-30', 'A', 5, 5],
      ['2026-01-31', 'A', 20, 25],
      ['2026-02-01', 'A', 7, 32],
      ['2026-02-01', 'B', 120, 120],
      ['2026-02-02', 'A', 60, 92],
      ['2026-02-04', 'A', 1, 93],
    ]);
  });

  it('refuses bad declarations with the target named', async () => {
    const bad: Aggregation = { ...base, kind: 'rolling', days: 0, target: { table: 'x' } };
    await expect(refresh(bad, '2026-01-01', '2026-01-02')).rejects.toThrow(
      /aggregation x: days must be a whole number/,
    );
    const avg: Aggregation = {
      ...base,
      measures: { a: { fn: 'sum' } },
      kind: 'tumbling',
      period: 'day',
      target: { table: 'y' },
    };
    await expect(refresh(avg, '2026-01-01', '2026-01-02')).rejects.toThrow(
      /aggregation y: measure a: sum needs a column/,
    );
  });
});
