import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { migrate } from '../../src/audit/migrate.js';
import type { Warehouse } from '../../src/db/connection.js';
import { evaluateCheck, freshness, gaps, recordDiscrepancy, volumeAnomaly } from '../../src/index.js';
import { durationHours } from '../../src/quality/freshness.js';
import { gapsSql } from '../../src/quality/gaps.js';
import { createTestDatabase, targetKinds, type TestDatabase } from '../helpers/test-databases.js';
import { plantRun } from './audit-rows.js';
import { exec, scopeFor } from './check-scope.js';

const HOUR = 3_600_000;

describe('quality: time-based SQL generators', () => {
  it('reads durations as hours', () => {
    expect([durationHours('30m'), durationHours('36h'), durationHours('2d'), durationHours(5)]).toEqual([
      0.5, 36, 48, 5,
    ]);
  });

  it('asks for the window days only, not the day the window ends at', () => {
    const sql = gapsSql(
      { kind: 'gaps', table: 'events', column: 'at' },
      {},
      { start: new Date('2026-03-01T00:00:00Z'), end: new Date('2026-03-05T00:00:00Z') },
    );
    expect(sql.text).toContain(`($2::timestamptz - interval '1 microsecond')::date as last_day`);
    expect(sql.values).toEqual([new Date('2026-03-01T00:00:00Z'), new Date('2026-03-05T00:00:00Z')]);
  });
});

describe.each(targetKinds)('quality: time-based checks (%s)', (kind) => {
  let db: TestDatabase;
  let warehouse: Warehouse;
  const evaluate = (check: Parameters<typeof evaluateCheck>[0], runId: number | null = null) =>
    evaluateCheck(check, scopeFor(warehouse, { runId }));

  beforeAll(async () => {
    db = await createTestDatabase(kind, 'quality-time');
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
      'drop table if exists events',
      'drop table if exists events_copy',
      'delete from dwh.etl_runs',
      'create table events (id serial primary key, at timestamptz not null, day date, kind text)',
      // one event per day of the scope's window 2026-03-01 … 2026-03-04, two on the 2nd
      `insert into events (at, day, kind) values ('2026-03-01T05:00:00Z', '2026-03-01', 'a'),
         ('2026-03-02T06:00:00Z', '2026-03-02', 'a'), ('2026-03-02T23:59:59Z', '2026-03-02', 'b'),
         ('2026-03-03T00:00:00Z', '2026-03-03', 'a'), ('2026-03-04T12:00:00Z', '2026-03-04', 'a')`,
      'create table events_copy as select * from events',
    );
  });

  it('freshness passes for recent data, warns after warnAfter and fails after errorAfter', async () => {
    const at = (hoursAgo: number) => new Date(Date.now() - hoursAgo * HOUR);
    await exec(warehouse, 'delete from events');
    await warehouse.query(`insert into events (at) values ($1)`, [at(2)]);
    const check = freshness({ table: 'events', column: 'at', warnAfter: '12h', errorAfter: '2d' });
    const fresh = await evaluate(check);
    expect(fresh.status).toBe('pass');
    expect(fresh.observed).toBeCloseTo(2, 1);
    expect(fresh.threshold).toBe('warn after 12 h, error after 48 h');

    await exec(warehouse, 'delete from events');
    await warehouse.query(`insert into events (at) values ($1), ($2)`, [at(30), at(40)]);
    const stale = await evaluate(check);
    expect(stale.status).toBe('warn');
    expect(stale.observed).toBeCloseTo(30, 1);
    expect(stale.sample).toHaveLength(1);
    expect(stale.sample![0]!.age_hours).toBe(stale.observed);
    expect(Date.parse(stale.sample![0]!.newest as string)).toBeCloseTo(at(30).getTime(), -4);

    await exec(warehouse, 'delete from events');
    await warehouse.query(`insert into events (at) values ($1)`, [at(72)]);
    const old = await evaluate(check);
    expect(old).toMatchObject({ status: 'fail', severity: 'error' });
    expect(old.observed).toBeCloseTo(72, 1);
  });

  it('freshness of an empty table fails with no observed age', async () => {
    await exec(warehouse, 'delete from events');
    const result = await evaluate(freshness({ table: 'events', column: 'day', errorAfter: 24 }));
    expect(result).toMatchObject({
      status: 'fail',
      observed: null,
      message: 'events has no rows with a day',
    });
  });

  it('gaps finds the UTC days of the window without rows, for timestamps and dates', async () => {
    expect(await evaluate(gaps({ table: 'events', column: 'at' }))).toMatchObject({
      status: 'pass',
      observed: 0,
    });
    expect(await evaluate(gaps({ table: 'events', column: 'day' }))).toMatchObject({
      status: 'pass',
      observed: 0,
    });
    await exec(warehouse, `delete from events where at::date in ('2026-03-02', '2026-03-04')`);
    const result = await evaluate(gaps({ table: 'events', column: 'at' }));
    expect(result).toMatchObject({
      status: 'fail',
      observed: 2,
      failingRows: 2,
      sample: [{ missing_day: '2026-03-02' }, { missing_day: '2026-03-04' }],
    });
    const explicit = await evaluate(
      gaps({ table: 'events', column: 'day', window: { from: '2026-02-27', to: '2026-03-02' } }),
    );
    expect(explicit.sample).toEqual([{ missing_day: '2026-02-27' }, { missing_day: '2026-02-28' }]);
  });

  it("gaps over 'all' spans the table's first to last day", async () => {
    await exec(warehouse, `insert into events (at) values ('2026-03-08T10:00:00Z')`);
    const result = await evaluate(gaps({ table: 'events', column: 'at', window: 'all' }));
    expect(result.sample).toEqual([
      { missing_day: '2026-03-05' },
      { missing_day: '2026-03-06' },
      { missing_day: '2026-03-07' },
    ]);
  });

  it('recordDiscrepancy compares window counts and lists the days that differ', async () => {
    const check = recordDiscrepancy({
      source: { table: 'events', timeColumn: 'at' },
      target: { table: 'events_copy', timeColumn: 'at' },
    });
    expect(await evaluate(check)).toMatchObject({ status: 'pass', observed: 0, threshold: '<= 0' });
    // outside the window: not counted
    await exec(warehouse, `insert into events (at) values ('2026-02-01T00:00:00Z')`);
    expect(await evaluate(check)).toMatchObject({ status: 'pass' });
    await exec(
      warehouse,
      `delete from events_copy where kind = 'b'`,
      `insert into events (at) values ('2026-03-04T01:00:00Z')`,
    );
    const result = await evaluate(check);
    expect(result).toMatchObject({ status: 'fail', observed: 2, failingRows: 2 });
    expect(result.sample).toEqual([
      { day: '2026-03-02', source: 2, target: 1, difference: 1 },
      { day: '2026-03-04', source: 2, target: 1, difference: 1 },
    ]);
    expect(result.message).toContain('source 6 vs target 4');
  });

  it('recordDiscrepancy accepts a tolerance, a query and a function as either side', async () => {
    await exec(warehouse, `delete from events_copy where kind = 'b'`);
    const tolerated = recordDiscrepancy({
      source: { fn: (window) => (window ? 5 : 0) },
      target: {
        sql: 'select count(*) from events_copy where at >= :start_load_date and at < :end_load_date',
      },
      tolerancePercent: 20,
    });
    expect(await evaluate(tolerated)).toMatchObject({ status: 'pass', observed: 1, threshold: '<= 1' });
    const strict = recordDiscrepancy({
      source: { table: 'events', count: 'count(distinct kind)' },
      target: { sql: 'select 5' },
      window: 'all',
      tolerance: 2,
    });
    expect(await evaluate(strict)).toMatchObject({
      status: 'fail',
      observed: 3,
      sample: [{ source: 2, target: 5, difference: -3 }],
    });
  });

  it('volumeAnomaly judges a run against the mean ± k·stddev of earlier successful runs', async () => {
    for (const records of [100, 110, 90, 105, 95])
      await plantRun(warehouse, { project: 'dq_orders', records });
    await plantRun(warehouse, { project: 'dq_orders', records: 5000, status: 'failed' });
    const normal = await plantRun(warehouse, { project: 'dq_orders', records: 102 });
    const check = volumeAnomaly({ lookback: 5, k: 3 });
    const ok = await evaluate(check);
    expect(ok).toMatchObject({ status: 'pass', observed: 102 });
    expect(ok.threshold).toBe('mean 100 ± 3×7.91 = [76.28, 123.72]');

    await plantRun(warehouse, { project: 'dq_orders', records: 20 });
    const low = await evaluate(check);
    expect(low).toMatchObject({ status: 'fail', observed: 20 });
    expect(low.sample![0]).toEqual({ run_id: normal, records: 102 });
  });

  it('volumeAnomaly counts a resumed run with the runs it resumed: together they loaded the window', async () => {
    for (const records of [100, 110, 90, 105, 95])
      await plantRun(warehouse, { project: 'dq_orders', records });
    // run A failed after loading 60 records; B resumed it failing again, loading 10; C resumed B, loading 30
    const a = await plantRun(warehouse, { project: 'dq_orders', records: 60, status: 'failed' });
    const b = await plantRun(warehouse, { project: 'dq_orders', records: 10, status: 'failed' });
    const c = await plantRun(warehouse, { project: 'dq_orders', records: 30 });
    await warehouse.query(
      `update dwh.etl_runs set resumed_from = case run_id when $2 then $1 when $3 then $2 end
       where run_id in ($2, $3)`,
      [a, b, c],
    );
    const check = volumeAnomaly({ lookback: 5, k: 3 });
    expect(await evaluate(check)).toMatchObject({ status: 'pass', observed: 100 });
    // the next run's history has C as the window's 100 records, not 30
    const next = await plantRun(warehouse, { project: 'dq_orders', records: 101 });
    const judged = await evaluate(check);
    expect(judged).toMatchObject({ status: 'pass', observed: 101 });
    // 100, 95, 105, 90, 110: with C counted as its own 30 the mean would be 86
    expect(judged.threshold).toBe('mean 100 ± 3×7.91 = [76.28, 123.72]');
    expect(next).toBeGreaterThan(c);
    // a resumed run still going: its own successful attempts and what the runs it resumed loaded
    const running = await plantRun(warehouse, { project: 'dq_orders', status: 'running' });
    await warehouse.query(`update dwh.etl_runs set resumed_from = $2 where run_id = $1`, [running, b]);
    await warehouse.query(
      `insert into dwh.etl_task_runs (run_id, task_name, attempt, status, records) values ($1, 'load', 1, 'success', 25)`,
      [running],
    );
    expect(await evaluate(volumeAnomaly({}), running)).toMatchObject({ observed: 95 });
  });

  it('volumeAnomaly counts a running run from its successful task attempts', async () => {
    for (const records of [10, 12, 11]) await plantRun(warehouse, { project: 'dq_orders', records });
    const running = await plantRun(warehouse, { project: 'dq_orders', status: 'running' });
    await warehouse.query(
      `insert into dwh.etl_task_runs (run_id, task_name, attempt, status, records) values
         ($1, 'load', 1, 'failed', 500), ($1, 'load', 2, 'success', 11)`,
      [running],
    );
    expect(await evaluate(volumeAnomaly({}), running)).toMatchObject({ status: 'pass', observed: 11 });
  });

  it('volumeAnomaly with too little history passes with a note instead of judging', async () => {
    await plantRun(warehouse, { project: 'dq_orders', records: 10 });
    await plantRun(warehouse, { project: 'dq_orders', records: 1000 });
    const result = await evaluate(volumeAnomaly({ minHistory: 3 }));
    expect(result).toMatchObject({
      status: 'pass',
      observed: 1000,
      message: 'records of dq_orders: only 1 earlier value (needs 3); not judged',
    });
  });

  it("volumeAnomaly on a table compares the window's last day with the days before", async () => {
    await exec(warehouse, 'delete from events');
    await warehouse.query(
      `insert into events (at) select d + interval '1 hour' * g from generate_series('2026-02-20'::timestamptz, '2026-03-03'::timestamptz, interval '1 day') as d, generate_series(1, 10) as g`,
    );
    await warehouse.query(
      `insert into events (at) select '2026-03-04T08:00:00Z'::timestamptz from generate_series(1, 10)`,
    );
    const check = volumeAnomaly({ table: 'events', column: 'at', lookback: 7, k: 2 });
    // constant history: any other count on the last day is an anomaly
    expect(await evaluate(check)).toMatchObject({
      status: 'pass',
      observed: 10,
      threshold: 'mean 10 ± 2×0 = [10, 10]',
    });
    await warehouse.query(
      `insert into events (at) select '2026-03-04T09:00:00Z'::timestamptz from generate_series(1, 30)`,
    );
    const spike = await evaluate(check);
    expect(spike).toMatchObject({ status: 'fail', observed: 40 });
    expect(spike.sample![0]).toEqual({ day: '2026-03-03', records: 10 });
  });
});
