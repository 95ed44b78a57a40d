import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fixtureHome, runCli } from '../helpers/cli.js';
import { auditOf, runFixture } from '../helpers/run-fixture.js';
import { createTestDatabase, targetKinds, type TestDatabase } from '../helpers/test-databases.js';

describe.each(targetKinds)('warehouse: loads inside a run (%s)', (kind) => {
  let db: TestDatabase;
  beforeEach(async () => {
    db = await createTestDatabase(kind, 'warehouse-runs');
  });
  afterEach(async () => {
    await db.drop();
  });

  it('reports fact rows and data dates to the run and warns about members that were not found', async () => {
    const report = await runFixture(db, 'wh_star_mini', {
      startDate: new Date('2026-01-01T00:00:00Z'),
      endDate: new Date('2026-01-03T00:00:00Z'),
    });
    expect(report.error).toBeNull();
    const { run, attempts } = await auditOf(db, report.runId!);
    expect(attempts.map((a) => [a.task_name, a.status, a.records])).toEqual([
      ['stage', 'success', 0],
      ['dim_customer', 'success', 2],
      ['fact_orders', 'success', 3],
    ]);
    // the run counts its target, fact_orders; the dimension keeps its own count in etl_task_runs
    expect(run.number_of_records).toBe(3);
    expect(run.data_min_date?.toISOString()).toBe('2026-01-01T09:00:00.000Z');
    expect(run.data_max_date?.toISOString()).toBe('2026-01-02T11:00:00.000Z');
    const log = readFileSync(report.logFile!, 'utf8');
    expect(log).toContain('1 of 3 row(s) of fact_orders (33.3%) have no member in dim_customer: key -1');
    expect(log).toContain('partitions created: fact_orders_2026_01_01, fact_orders_2026_01_02');
  });

  it('a dimension load that breaks an invariant fails the run with the reason and exit code 1', async () => {
    const result = await runCli(['run', 'wh_bad_dimension', '--end-date', '2026-01-02'], {
      env: { DWH_HOME: fixtureHome, ...db.env },
    });
    expect(result.code).toBe(1);
    expect(result.stdout + result.stderr).toMatch(
      /loading dimension dim_customer failed, nothing was written: a new version would overlap an existing one of the same key: staging stg_customer holds the key more than once.*Key \(customer_id, tstzrange\(valid_from, valid_to\)\)=\(2, /,
    );
    const w = await db.open();
    try {
      // even the table created by the first load is rolled back with it
      expect(await w.query(`select to_regclass('dim_customer')::text as t`)).toEqual([{ t: null }]);
    } finally {
      await w.close();
    }
  });
});
