import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunRow } from '../../src/audit/run-store.js';
import type { AttemptRow } from '../../src/audit/task-run-store.js';
import { repoRoot, runCli } from '../helpers/cli.js';
import { createTestDatabase, smokeKinds, type TestDatabase } from '../helpers/test-databases.js';

type RunWithAttempts = RunRow & { attempts: AttemptRow[] };

const orders = parse<{ order_ts: string; store: string; quantity: string; unit_price: string }>(
  readFileSync(path.join(repoRoot, 'projects/examples/demo_sales/data/sales.csv')),
  { columns: true },
);
const ordersBetween = (from: string, to: string) =>
  orders.filter((o) => new Date(o.order_ts) >= new Date(from) && new Date(o.order_ts) < new Date(to));
/** The rows of the target demo_daily_sales that these orders make: one per UTC day and store. */
const dailyRows = (rows: typeof orders) =>
  new Set(rows.map((o) => `${o.order_ts.slice(0, 10)} ${o.store}`)).size;
const revenue = (rows: typeof orders) =>
  rows.reduce((sum, o) => sum + Number(o.quantity) * Number(o.unit_price), 0);

describe.each(smokeKinds)('cli: the demo project end to end (%s)', (kind) => {
  let db: TestDatabase;
  let env: Record<string, string>;
  const sql = async <T>(query: string) => {
    const result = await runCli(['sql', query, '--json'], { env });
    expect(result.code, result.stderr).toBe(0);
    return JSON.parse(result.stdout) as T[];
  };
  const runs = async () =>
    JSON.parse((await runCli(['runs', 'demo_sales', '--json'], { env })).stdout) as RunWithAttempts[];

  beforeAll(async () => {
    db = await createTestDatabase(kind, 'cli-demo');
    env = { ...db.env, DWH_HOME: repoRoot };
  });
  afterAll(async () => {
    await db.drop();
  });

  it('prints the plan with --dry-run and writes nothing', async () => {
    const result = await runCli(['run', 'demo_sales', '--dry-run', '--end-date', '2026-06-01'], { env });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('Plan for examples/demo_sales v1.0.0 (dry run: nothing is written)');
    expect(result.stdout).toContain('window       2026-01-01T00:00:00.000Z → 2026-06-01T00:00:00.000Z');
    expect(result.stdout).toMatch(/1\. extract_sales\n\s+2\. transform_daily ← extract_sales/);
    expect(await runs()).toEqual([]);
    expect(existsSync(path.join(db.metadataDir, 'demo_sales'))).toBe(false);
  });

  it('loads the first window from the full-load start date', async () => {
    const result = await runCli(['run', 'demo_sales', '--end-date', '2026-06-01'], { env });
    expect(result.code, result.stderr).toBe(0);
    const expected = ordersBetween('2026-01-01', '2026-06-01');
    expect(expected).toHaveLength(1785);
    // the run counts the rows loaded into the target (transform_daily is marked `target: true`)
    const daily = dailyRows(expected);
    expect(result.stdout).toMatch(new RegExp(`run \\d+: SUCCESS — ${daily} records`));
    const [staged] = await sql<{ n: number }>('select count(*) as n from demo_sales_staging');
    expect(staged!.n).toBe(expected.length);
    const [run] = await runs();
    expect(run).toMatchObject({
      status: 'success',
      load_type: 'I',
      number_of_records: daily,
      script_version: '1.0.0',
    });
    expect(run!.data_max_date).toBe(expected.at(-1)!.order_ts);
    expect(run!.attempts.map((a) => `${a.task_name}:${a.status}`)).toEqual([
      'extract_sales:success',
      'transform_daily:success',
      'check_totals:success',
      'export_daily:success',
    ]);
  });

  it('loads only new data on the next incremental run, rebuilding whole days', async () => {
    const [first] = await runs();
    const result = await runCli(['run', 'demo_sales', '--end-date', '2026-07-01'], { env });
    expect(result.code, result.stderr).toBe(0);
    const [second] = await runs();
    expect(second!.start_load_date).toBe(first!.data_max_date);
    expect(second!.previous_max_date).toBe(first!.data_max_date);
    // the window starts inside 31 May; the whole day is re-read so its totals stay complete
    const reread = ordersBetween('2026-05-31', '2026-07-01');
    expect(second!.number_of_records).toBe(dailyRows(reread));
    const [staged] = await sql<{ n: number }>('select count(*) as n from demo_sales_staging');
    expect(staged!.n).toBe(reread.length);
    const [total] = await sql<{ revenue: string }>('select sum(revenue) as revenue from demo_daily_sales');
    expect(Number(total!.revenue)).toBeCloseTo(revenue(ordersBetween('2026-01-01', '2026-07-01')), 2);
  });

  it('writes the run log and the output CSV under metadata/<project>', () => {
    const logs = readdirSync(path.join(db.metadataDir, 'demo_sales', 'logs'));
    expect(logs.length).toBeGreaterThanOrEqual(2);
    // the start time and the database the run is recorded in
    expect(logs[0]).toMatch(/^\d{4}-\d{2}-\d{2}_\d{2}-\d{2}-\d{2}_[0-9a-f]{8}(_\d+)?_etl\.log$/);
    const outputs = readdirSync(path.join(db.metadataDir, 'demo_sales', 'output'));
    expect(outputs.some((f) => f.endsWith('_daily_sales.csv'))).toBe(true);
    const csv = readFileSync(path.join(db.metadataDir, 'demo_sales', 'output', outputs[0]!), 'utf8');
    expect(csv.split('\n')[0]).toBe('day,store,orders,units,revenue');
  });

  it('lists the project and shows runs as a table', async () => {
    const list = await runCli(['list', '--tasks'], { env });
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toMatch(
      /examples\/demo_sales\s+1\.0\.0\s+4\s+public\.demo_daily_sales\s+0 6 \* \* \*/,
    );
    const table = await runCli(['runs', 'demo_sales', '--limit', '1', '--attempts'], { env });
    expect(table.stdout).toMatch(
      /^\s+\d+\s+demo_sales\s+success\s+I\s+2026-05-31 \S+Z → 2026-07-01 00:00:00Z/m,
    );
    expect(table.stdout).toMatch(/extract_sales #1 success [\d.]+ m?s, 368 records/);
  });

  it('reruns a full load with --load-type F from the full-load start date', async () => {
    const result = await runCli(['run', 'examples/demo_sales', '-l', 'F', '-e', '2026-02-01'], { env });
    expect(result.code, result.stderr).toBe(0);
    const [run] = await runs();
    expect(run).toMatchObject({
      load_type: 'F',
      start_load_date: '2026-01-01T00:00:00.000Z',
      previous_max_date: null,
    });
  });
});
