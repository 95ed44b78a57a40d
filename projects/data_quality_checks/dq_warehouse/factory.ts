import {
  defineFactory,
  freshness,
  gaps,
  partial,
  recordDiscrepancy,
  runChecks,
  staleProjects,
  task,
  volumeAnomaly,
} from 'dwh';

/**
 * Checks across projects. Tables of another project are checked only once it has loaded them (`after`):
 * on a fresh warehouse those checks are stored as warnings that say so, and this project still succeeds.
 */
export default defineFactory([
  task(
    'stale_projects',
    partial(runChecks, [
      // every project with a schedule whose last success is older than its latest scheduled run
      staleProjects({ graceMinutes: 120, severity: 'warn' }),
    ]),
    { description: 'projects that missed their schedule', dependsOn: [] },
  ),
  task(
    'record_discrepancies',
    partial(runChecks, [
      recordDiscrepancy({
        name: 'demo_sales: records reported by the last run = rows it wrote to demo_daily_sales',
        after: 'demo_sales',
        window: 'all',
        source: {
          sql: `select number_of_records from dwh.etl_runs where project_name = 'demo_sales' and status = 'success'
                order by run_id desc limit 1`,
        },
        target: {
          sql: `select count(*) from demo_daily_sales where run_id = (select run_id from dwh.etl_runs
                where project_name = 'demo_sales' and status = 'success' order by run_id desc limit 1)`,
        },
      }),
      recordDiscrepancy({
        name: 'demo_sales: staged orders = orders in demo_daily_sales for the staged days',
        after: 'demo_sales',
        window: 'all',
        source: { table: 'demo_sales_staging' },
        target: {
          sql: `select coalesce(sum(orders), 0) from demo_daily_sales
                where day between (select min(order_ts)::date from demo_sales_staging)
                              and (select max(order_ts)::date from demo_sales_staging)`,
        },
      }),
    ]),
    { description: 'source vs target counts of the loads', dependsOn: [] },
  ),
  task(
    'gaps',
    partial(runChecks, [
      gaps({ table: 'demo_daily_sales', column: 'day', window: 'all', after: 'demo_sales' }),
    ]),
    { description: 'days without rows in the daily tables', dependsOn: [] },
  ),
  task(
    'volume_and_freshness',
    partial(runChecks, [
      volumeAnomaly({ project: 'demo_sales', lookback: 10, k: 3, after: 'demo_sales', severity: 'warn' }),
      freshness({
        table: 'demo_daily_sales',
        column: 'loaded_at',
        warnAfter: '36h',
        after: 'demo_sales',
        severity: 'warn',
      }),
    ]),
    { description: 'unusual record counts and old data (warnings only)', dependsOn: [] },
  ),
]);
