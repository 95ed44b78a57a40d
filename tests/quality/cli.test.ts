import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunRow } from '../../src/audit/run-store.js';
import type { CheckResult, DqResultRow } from '../../src/core/check-result.js';
import { fixtureHome, runCli } from '../helpers/cli.js';
import { createTestDatabase, targetKinds, type TestDatabase } from '../helpers/test-databases.js';

type Attempt = { task_name: string; status: string; error_message: string | null };

// several CLI processes per test, each opening the database: minutes on a busy machine
describe.each(targetKinds)(
  'quality: blocking and warning checks through the CLI (%s)',
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
    const lastRun = async () =>
      (
        JSON.parse((await dwh('runs', 'dq_orders', '--json', '--limit', '1')).stdout) as (RunRow & {
          attempts: Attempt[];
        })[]
      )[0]!;
    const resultsOf = (runId: number) =>
      sql<DqResultRow>(`select * from dwh.dq_results where run_id = ${runId} order by result_id`);

    beforeAll(async () => {
      db = await createTestDatabase(kind, 'quality-cli');
      env = { ...db.env, DWH_HOME: fixtureHome };
    });
    afterAll(async () => {
      await db.drop();
    });

    it('passes every check on clean data and stores one result row per check with all columns', async () => {
      const result = await dwh('run', 'dq_orders', '--end-date', '2026-03-05');
      expect(result.code, result.stdout + result.stderr).toBe(0);
      expect(result.stdout).toContain('check not_null q_orders(customer_id): PASS');
      const run = await lastRun();
      const rows = await resultsOf(run.run_id);
      expect(rows.map((r) => [r.check_type, r.status])).toEqual([
        ['not_null', 'pass'],
        ['unique', 'pass'],
        ['accepted_values', 'pass'],
        ['range', 'pass'],
        ['relationships', 'pass'],
      ]);
      const { result_id, duration_ms, checked_at, ...first } = rows[0]!;
      expect([typeof result_id, typeof duration_ms, typeof checked_at]).toEqual([
        'number',
        'number',
        'string',
      ]);
      expect(Date.parse(checked_at as unknown as string)).toBeGreaterThan(Date.parse('2026-01-01'));
      expect(first).toEqual({
        run_id: run.run_id,
        project_name: 'dq_orders',
        task_name: 'checks',
        attempt: 1,
        check_name: 'not_null q_orders(customer_id)',
        check_type: 'not_null',
        table_name: 'q_orders',
        severity: 'error',
        blocking: true,
        status: 'pass',
        observed_value: 0,
        threshold: '= 0',
        failing_row_count: 0,
        failing_rows_sample: null,
        message: '0 rows of q_orders with a null in customer_id',
      });
      expect(rows[2]).toMatchObject({ severity: 'warn', blocking: true });
      expect(rows[3]).toMatchObject({ severity: 'error', blocking: false });
    });

    it('warnings and non-blocking failures are stored but never fail the run', async () => {
      await sql(
        `insert into q_orders values (4, 1, 'lost', 5000, '2026-03-04T08:00:00Z'), (5, 99, 'new', 1, '2026-03-04T09:00:00Z')`,
      );
      const result = await dwh('run', 'dq_orders', '--end-date', '2026-03-06');
      expect(result.code, result.stdout + result.stderr).toBe(0);
      const run = await lastRun();
      expect(run.status).toBe('success');
      expect(run.attempts.map((a) => `${a.task_name}:${a.status}`)).toEqual([
        'load:success',
        'checks:success',
        'publish:success',
      ]);
      const rows = await resultsOf(run.run_id);
      expect(rows.map((r) => [r.check_type, r.status, r.observed_value])).toEqual([
        ['not_null', 'pass', 0],
        ['unique', 'pass', 0],
        ['accepted_values', 'warn', 1],
        ['range', 'fail', 1],
        ['relationships', 'warn', 1],
      ]);
      expect(rows[2]!.failing_rows_sample).toEqual([
        {
          order_id: 4,
          customer_id: 1,
          status: 'lost',
          amount: '5000.00',
          ordered_at: '2026-03-04T08:00:00.000Z',
        },
      ]);
      expect(rows[4]!.failing_rows_sample).toEqual([{ missing_key: 99, child_rows: 1 }]);
    });

    it('a failing blocking error check fails its task, its dependents become upstream_failed and the run fails', async () => {
      await sql(
        `insert into q_orders values (6, null, 'new', 1, '2026-03-05T08:00:00Z'), (6, 2, 'new', 1, '2026-03-05T09:00:00Z')`,
      );
      const result = await dwh('run', 'dq_orders', '--end-date', '2026-03-07');
      expect(result.code).toBe(1);
      expect(result.stdout).toMatch(
        /check not_null q_orders\(customer_id\): FAIL — 1 row of q_orders with a null in customer_id/,
      );
      const run = await lastRun();
      expect(run.status).toBe('failed');
      expect(run.error_message).toContain(
        "task 'checks': 2 blocking check(s) failed: not_null q_orders(customer_id)",
      );
      expect(run.attempts.map((a) => `${a.task_name}:${a.status}`)).toEqual([
        'load:success',
        'checks:failed',
        'publish:upstream_failed',
      ]);
      const rows = await resultsOf(run.run_id);
      expect(rows).toHaveLength(5);
      expect(rows[1]).toMatchObject({
        check_type: 'unique',
        status: 'fail',
        observed_value: 1,
        failing_rows_sample: [{ order_id: 6, occurrences: 2 }],
      });
    });

    it('dwh dq runs the checks without loading, prints them and exits 1 on a blocking failure', async () => {
      const before = await sql<{ n: number }>('select count(*) as n from dwh.etl_runs');
      const result = await dwh('dq', 'dq_orders');
      expect(result.code).toBe(1);
      expect(result.stdout).toMatch(/FAIL\s+not_null q_orders\(customer_id\)\s+not_null\s+error\s+1/);
      expect(result.stdout).toMatch(/FAIL\s+range q_orders\.amount\s+range\s+error \(non-blocking\)/);
      expect(result.stdout).toContain(
        '5 checks: 0 passed, 2 warned, 3 failed, 0 could not run — a blocking check failed',
      );
      expect(await sql<{ n: number }>('select count(*) as n from dwh.etl_runs')).toEqual(before);
      const stored = await sql<DqResultRow>(
        `select * from dwh.dq_results where run_id is null order by result_id`,
      );
      expect(stored.map((r) => [r.task_name, r.attempt, r.check_type, r.status])).toEqual([
        ['checks', null, 'not_null', 'fail'],
        ['checks', null, 'unique', 'fail'],
        ['checks', null, 'accepted_values', 'warn'],
        ['checks', null, 'range', 'fail'],
        ['checks', null, 'relationships', 'warn'],
      ]);
    });

    it('dwh dq --json prints the results and exits 0 when only warnings remain', async () => {
      await sql(`delete from q_orders where order_id = 6`);
      const result = await dwh('dq', 'quality/dq_orders', '--json');
      expect(result.code, result.stderr).toBe(0);
      const results = JSON.parse(result.stdout) as CheckResult[];
      expect(results.map((r) => [r.kind, r.status])).toEqual([
        ['not_null', 'pass'],
        ['unique', 'pass'],
        ['accepted_values', 'warn'],
        ['range', 'fail'],
        ['relationships', 'warn'],
      ]);
      expect(results[3]).toMatchObject({
        blocking: false,
        observed: 1,
        threshold: '>= 0 and <= 1000',
        failingRows: 1,
      });
    });

    it('checks from metadata/validation.yaml run in the task that names runChecks, and once in dwh dq', async () => {
      const run = await dwh('run', 'dq_yaml', '--end-date', '2026-03-05');
      expect(run.code, run.stdout + run.stderr).toBe(0);
      expect(run.stdout).toContain('2 check(s) from metadata/validation.yaml: 2 passed');
      const stored = await sql<DqResultRow>(
        `select * from dwh.dq_results where project_name = 'dq_yaml' order by result_id`,
      );
      expect(stored.map((r) => [r.task_name, r.check_name, r.severity, r.status])).toEqual([
        ['validate', 'not_null y_events(id, kind)', 'error', 'pass'],
        ['validate', 'at most five events', 'warn', 'pass'],
      ]);
      await sql(`insert into y_events values (2, null, now())`);
      const dq = await dwh('dq', 'dq_yaml', '--json');
      expect(dq.code).toBe(1);
      expect((JSON.parse(dq.stdout) as CheckResult[]).map((r) => r.status)).toEqual(['fail', 'pass']);
    });

    it("dwh dq --param binds run parameters in the checks' SQL, validated by the project's params", async () => {
      const run = await dwh('run', 'dq_params', '--end-date', '2026-03-05');
      expect(run.code, run.stdout + run.stderr).toBe(0);
      const byDefault = await dwh('dq', 'dq_params', '--json');
      expect(byDefault.code, byDefault.stderr).toBe(0);
      expect((JSON.parse(byDefault.stdout) as CheckResult[]).map((r) => r.status)).toEqual(['pass']);
      const nl = await dwh('dq', 'dq_params', '--param', 'country=NL', '--json');
      expect(nl.code).toBe(1);
      expect(JSON.parse(nl.stdout)).toMatchObject([{ status: 'fail', failingRows: 1 }]);
      const bad = await dwh('dq', 'dq_params', '--param', 'country=FR');
      expect(bad.code).toBe(2);
      expect(bad.stderr).toContain('country');
      const unknown = await dwh('dq', 'dq_params', '--param', 'contry=NL');
      expect(unknown.code).toBe(2);
      expect(unknown.stderr).toContain('contry');
    });

    it('refuses a project without checks and names the bad key of a validation.yaml', async () => {
      const none = await dwh('dq', 'dq_none');
      expect(none.code).toBe(2);
      expect(none.stderr).toContain("project 'dq_none' declares no checks");
      const bad = await dwh('dq', 'dq_bad_yaml');
      expect(bad.code).toBe(2);
      expect(bad.stderr).toMatch(/metadata\/validation\.yaml: checks\[1\]\.values: .* \(got \[\]\)/);
    });
  },
);
