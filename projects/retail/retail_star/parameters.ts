import { defineProject } from 'dwh';

export default defineProject({
  name: 'retail_star',
  version: '1.0.0',
  description:
    'Retail star schema from the shop exports in data/: staging → dim_customer (SCD2 segment/city, SCD1 email), ' +
    'dim_product, dim_date → fact_sales (monthly partitions) → revenue views and aggregates',
  target: { database: 'warehouse', schema: 'public', table: 'fact_sales' },
  loadType: 'I',
  fullLoadStartDate: '2026-01-01',
  lookbackDays: 0,
  windowGrain: 'day',
  retries: 1,
  retryDelayMs: 1000,
  timeoutMs: 300_000,
  schedule: '30 5 * * *',
});
