import { defineFactory, extractLoad, partial, task } from 'dwh';
import * as worker from './worker.js';

/**
 * MariaDB's sequence engine (`seq_1_to_500`) stands in for a customers table, so the example runs against any
 * MariaDB server. Replace it with `select … from customers`.
 */
const customers = `
  select seq as id, concat('  Customer ', seq, ' ') as name, concat('c', seq, '@example.com') as email,
         (seq * 37) % 1000 as spend, if(seq % 5 = 0, 'no', 'yes') as active,
         timestamp('2025-06-01') + interval seq hour as signed_up
  from seq_1_to_500 where timestamp('2025-06-01') + interval seq hour < :end_load_date`;

export default defineFactory([
  task(
    'load_customers',
    partial(extractLoad, {
      source: 'example_mysql',
      query: customers,
      target: 'ex_customers',
      mapping: 'customers',
      functions: worker,
      mode: 'truncate',
    }),
    {
      description: 'MariaDB customers → ex_customers with trimming, casts and a derived tier',
      target: true,
    },
  ),
]);
