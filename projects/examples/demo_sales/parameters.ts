import { defineProject } from 'dwh';

export default defineProject({
  name: 'demo_sales',
  version: '1.0.0',
  description:
    'Daily sales per store from the shop export (data/sales.csv): staging → demo_daily_sales → CSV',
  target: { database: 'warehouse', schema: 'public', table: 'demo_daily_sales' },
  loadType: 'I',
  fullLoadStartDate: '2026-01-01',
  // the previous run's last order is re-read; whole days are reloaded (see worker.ts)
  lookbackDays: 0,
  retries: 2,
  retryDelayMs: 1000,
  backoffRate: 2,
  maxRetryDelayMs: 10_000,
  timeoutMs: 120_000,
  keepOutput: true,
  logRetention: { days: 30, runs: 50 },
  schedule: '0 6 * * *',
  settings: { sourceFile: 'data/sales.csv' },
});
