import { defineProject } from 'dwh';

export default defineProject({
  name: 'mysql_customers',
  version: '1.0.0',
  description: 'Customers from MySQL/MariaDB through metadata/mapping.yaml into ex_customers (full refresh)',
  target: { database: 'warehouse', schema: 'public', table: 'ex_customers' },
  loadType: 'F',
  fullLoadStartDate: '2026-01-01',
});
