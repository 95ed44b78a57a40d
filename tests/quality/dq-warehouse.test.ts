import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckResult, DqResultRow } from '../../src/core/check-result.js';
import { repoRoot, runCli } from '../helpers/cli.js';
import { createTestDatabase, targetKinds, type TestDatabase } from '../helpers/test-databases.js';

// several CLI processes per test, each opening the database: minutes on a busy machine
describe.each(targetKinds)(
  'quality: the general DQ project dq_warehouse (%s)',
  { timeout: 300_000 },
  (kind) => {
    let db: TestDatabase;
    let env: Record<string, string>;
    const dwh = (...args: string[]) => runCli(args, { env, timeoutMs: 120_000 });
    const sql = async <T>(query: string) => {
      const result = await dwh('sql', query, '--json');
      expect(result.code, result.stderr).toBe(0);
      return JSON.parse(result.stdout) as T[];
    };

    beforeAll(async () => {
      db = await createTestDatabase(kind, 'quality-dq-warehouse');
      env = { ...db.env, DWH_HOME: repoRoot };
    });
    afterAll(async () => {
      await db.drop();
    });

    it('runs on a fresh warehouse, saying which checks wait for demo_sales and that it never ran', async () => {
      // one task at a time: the results are listed in the order the tasks ran
      const result = await dwh('run', 'dq_warehouse', '--parallel', '1');
      expect(result.code, result.stdout + result.stderr).toBe(0);
      const rows = await sql<DqResultRow>(`select * from dwh.dq_results order by result_id`);
      expect(rows.map((r) => [r.task_name, r.check_type, r.status])).toEqual([
        ['stale_projects', 'stale_projects', 'warn'],
        ['record_discrepancies', 'record_discrepancy', 'warn'],
        ['record_discrepancies', 'record_discrepancy', 'warn'],
        ['gaps', 'gaps', 'warn'],
        ['volume_and_freshness', 'volume_anomaly', 'warn'],
        ['volume_and_freshness', 'freshness', 'warn'],
      ]);
      expect(rows[0]!.failing_rows_sample).toContainEqual(
        expect.objectContaining({ project: 'demo_sales', schedule: '0 6 * * *', last_success: null }),
      );
      expect(rows.slice(1).map((r) => r.message)).toEqual(
        Array(5).fill('skipped: project demo_sales has no successful run yet'),
      );
    });

    it('passes the discrepancy and gap checks once demo_sales has loaded', async () => {
      const load = await dwh('run', 'demo_sales', '--end-date', '2026-06-01');
      expect(load.code, load.stdout + load.stderr).toBe(0);
      const dq = await dwh('dq', 'dq_warehouse', '--json');
      expect(dq.code, dq.stderr).toBe(0);
      const results = JSON.parse(dq.stdout) as CheckResult[];
      expect(results.map((r) => [r.kind, r.status])).toEqual([
        ['stale_projects', expect.stringMatching(/^(pass|warn)$/)],
        ['record_discrepancy', 'pass'],
        ['record_discrepancy', 'pass'],
        ['gaps', 'pass'],
        ['volume_anomaly', 'pass'],
        ['freshness', 'pass'],
      ]);
      // the run's records are the 686 rows it wrote to its target demo_daily_sales (1785 orders staged)
      expect(results[1]!.message).toBe('source 686 vs target 686 (all rows): difference 0');
      expect(results[4]!.message).toBe('records of demo_sales: only 0 earlier values (needs 3); not judged');
    });

    it('fails the run when a day goes missing from demo_daily_sales', async () => {
      const [day] = await sql<{ orders: number }>(
        `select sum(orders)::int as orders from demo_daily_sales where day = '2026-03-15'`,
      );
      await sql(`delete from demo_daily_sales where day = '2026-03-15'`);
      const result = await dwh('run', 'dq_warehouse');
      expect(result.code, result.stderr).toBe(1);
      const rows = await sql<DqResultRow>(
        `select * from dwh.dq_results where run_id = (select max(run_id) from dwh.etl_runs where project_name = 'dq_warehouse')
       order by result_id`,
      );
      const byTask = Object.fromEntries(rows.map((r) => [r.check_name, r]));
      expect(byTask['gaps demo_daily_sales.day']).toMatchObject({
        status: 'fail',
        observed_value: 1,
        failing_rows_sample: [{ missing_day: '2026-03-15' }],
      });
      expect(
        byTask['demo_sales: staged orders = orders in demo_daily_sales for the staged days'],
      ).toMatchObject({
        status: 'fail',
        observed_value: day!.orders,
        message: `source 1785 vs target ${1785 - day!.orders} (all rows): difference ${day!.orders}, more than the 0 records allowed`,
      });
      const [run] = await sql<{ status: string }>(
        `select status from dwh.etl_runs where project_name = 'dq_warehouse' order by run_id desc limit 1`,
      );
      expect(run!.status).toBe('failed');
    });
  },
);
