import { defineFactory, partial, task } from 'dwh';
import { checkTotals, exportDaily, extractCsvToStaging, transformDaily } from './worker.js';

export default defineFactory([
  task(
    'extract_sales',
    partial(extractCsvToStaging, { file: 'data/sales.csv', staging: 'demo_sales_staging' }),
    {
      description: 'orders of the window (whole UTC days) from the shop export into staging',
    },
  ),
  task('transform_daily', transformDaily, {
    description: 'replace the window days of demo_daily_sales with aggregates of staging',
    dependsOn: ['extract_sales'],
    // its rows are the run's number_of_records; the staged orders stay in extract_sales' own count
    target: true,
  }),
  task('check_totals', partial(checkTotals, { staging: 'demo_sales_staging', target: 'demo_daily_sales' }), {
    description: 'revenue in staging equals revenue in the target for the window',
    dependsOn: ['transform_daily'],
  }),
  task('export_daily', partial(exportDaily, { target: 'demo_daily_sales' }), {
    description: 'the window days as a CSV in metadata/demo_sales/output',
    dependsOn: ['transform_daily'],
  }),
]);
