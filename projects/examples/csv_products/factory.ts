import { defineFactory, extractLoad, partial, task } from 'dwh';

export default defineFactory([
  task(
    'load_products',
    partial(extractLoad, {
      source: 'example_files',
      path: 'data/products_*.csv',
      target: 'ex_products',
      mapping: 'products',
      mode: 'truncate',
    }),
    {
      description:
        'every products file, rows that do not cast go to metadata/csv_products/output/*_rejects.csv',
      target: true,
    },
  ),
]);
