import { loadConfig } from '../../src/core/config.js';
import { startDashboard, type Dashboard } from '../../src/monitor/dashboard-server.js';
import { fixtureHome } from '../helpers/cli.js';
import { runFixture } from '../helpers/run-fixture.js';
import type { TestDatabase } from '../helpers/test-databases.js';

/** Run ids of the fixture history every monitor test starts from. */
export interface MonitorHistory {
  /** mon_ok, window January 2026: success, 42 records. */
  okFirst: number;
  /** mon_fail: load_orders fails twice with an error text containing markup; publish is upstream_failed. */
  failed: number;
  /** mon_ok again, the next window: success. */
  okSecond: number;
}

/** Real runs of the monitor fixture projects (tests/fixtures/home/projects/monitor/). */
export async function makeHistory(db: TestDatabase): Promise<MonitorHistory> {
  const endDate = new Date('2026-02-01T00:00:00Z');
  const okFirst = (await runFixture(db, 'mon_ok', { endDate })).runId!;
  const failed = (await runFixture(db, 'mon_fail', { endDate })).runId!;
  const okSecond = (await runFixture(db, 'mon_ok', { endDate: new Date('2026-03-01T00:00:00Z') })).runId!;
  return { okFirst, failed, okSecond };
}

/** Stored data quality results of a run, as the quality checks write them (dwh.dq_results, migration 0002). */
export async function storeDqResults(db: TestDatabase, runId: number): Promise<void> {
  const warehouse = await db.open('test dq results');
  try {
    await warehouse.query(
      `insert into dwh.dq_results (run_id, project_name, task_name, attempt, check_name, check_type, table_name,
         severity, blocking, status, observed_value, threshold, failing_row_count, failing_rows_sample, message,
         duration_ms)
       values ($1, 'mon_ok', 'load', 1, 'orders_id_not_null', 'not_null', 'public.orders', 'error', true, 'fail',
         3, '0', 3, $2, 'order_id is null in 3 rows <i>', 12),
         ($1, 'mon_ok', 'load', 1, 'orders_fresh', 'freshness', 'public.orders', 'warn', false, 'pass',
         2, '< 24 h', null, null, 'newest row 2 h old', 5)`,
      [runId, JSON.stringify([{ order_id: null, note: '<script>sample</script>' }])],
    );
  } finally {
    await warehouse.close();
  }
}

export function dashboardConfig(db: TestDatabase) {
  return loadConfig({ env: { DWH_HOME: fixtureHome, ...db.env } });
}

export async function startTestDashboard(db: TestDatabase): Promise<Dashboard> {
  return startDashboard({ config: dashboardConfig(db), port: 0 });
}

export async function get(
  dashboard: Dashboard,
  path: string,
  init?: RequestInit,
): Promise<{ status: number; body: string; headers: Headers }> {
  const response = await fetch(new URL(path, dashboard.url), init);
  return { status: response.status, body: await response.text(), headers: response.headers };
}

/**
 * Whether `body` has an element `<name …>` carrying all `attributes` (in any order, with any whitespace
 * between them): the pages' markup is formatted freely, the assertions care about elements and attributes.
 */
export function hasElement(body: string, name: string, attributes: Record<string, string | number>): boolean {
  const tags = body.match(new RegExp(`<${name}\\b[^>]*>`, 'g')) ?? [];
  return tags.some((tag) =>
    Object.entries(attributes).every(([key, value]) => {
      const escaped = String(value).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      return new RegExp(`\\s${key}="${escaped}"`).test(tag);
    }),
  );
}

export function countElements(
  body: string,
  name: string,
  attributes: Record<string, string | number>,
): number {
  const tags = body.match(new RegExp(`<${name}\\b[^>]*>`, 'g')) ?? [];
  return tags.filter((tag) => hasElement(tag, name, attributes)).length;
}
