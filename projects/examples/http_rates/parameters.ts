import { defineProject } from 'dwh';

export default defineProject({
  name: 'http_rates',
  version: '1.0.0',
  description: 'Exchange rates from a paginated REST API into ex_rates (start the demo API: serve.ts)',
  target: { database: 'warehouse', schema: 'public', table: 'ex_rates' },
  loadType: 'I',
  fullLoadStartDate: '2026-01-01',
  retries: 2,
  retryDelayMs: 1000,
});
