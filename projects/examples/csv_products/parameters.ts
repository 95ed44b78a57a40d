import { defineProject } from 'dwh';

export default defineProject({
  name: 'csv_products',
  version: '1.0.0',
  description:
    'Product files (data/products_*.csv) through a mapping into ex_products; bad rows to a rejects CSV',
  target: { database: 'warehouse', schema: 'public', table: 'ex_products' },
  loadType: 'F',
  fullLoadStartDate: '2026-01-01',
  keepOutput: true,
});
