import { defineProject } from 'dwh';

export default defineProject({
  name: 'pg_to_pg_orders',
  version: '1.0.0',
  description:
    'Orders of the window from a PostgreSQL source, copied as COPY bytes (pass-through) into ex_orders',
  target: { database: 'warehouse', schema: 'public', table: 'ex_orders' },
  loadType: 'I',
  fullLoadStartDate: '2026-01-01',
  retries: 1,
  retryDelayMs: 2000,
});
