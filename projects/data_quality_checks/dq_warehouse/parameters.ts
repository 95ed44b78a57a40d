import { defineProject } from 'dwh';

export default defineProject({
  name: 'dq_warehouse',
  version: '1.0.0',
  description:
    'Warehouse-wide data quality after the loads: stale projects, record discrepancies, gaps, volume, freshness',
  // writes nothing but its results
  target: { database: 'warehouse', schema: 'dwh', table: 'dq_results' },
  // every run checks the whole warehouse: a full window never comes out empty when run twice a day
  loadType: 'F',
  fullLoadStartDate: '2026-01-01',
  // after the loads of the morning (demo_sales runs at 06:00)
  schedule: '0 8 * * *',
  retries: 0,
  keepOutput: false,
});
