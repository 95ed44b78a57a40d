import { aggregationTask, dateDimension, defineFactory, factTable, scdDimension, task, viewsTask } from 'dwh';
import { stageCustomers, stageProducts, stageSales } from './worker.js';

const dimCustomer = scdDimension({
  table: 'dim_customer',
  source: 'stg_customer',
  naturalKey: ['customer_id'],
  scd2: ['segment', 'city'],
  scd1: ['email', 'name'],
  effectiveFrom: 'changed_at',
  firstVersionFrom: 'created_at',
  deletes: 'close',
});

const dimProduct = scdDimension({
  table: 'dim_product',
  source: 'stg_product',
  naturalKey: ['product_id'],
  scd1: ['name', 'category', 'list_price'],
});

const dimDate = dateDimension({ from: '2025-01-01', to: '2027-12-31' });

const factSales = factTable({
  table: 'fact_sales',
  source: 'stg_sales',
  grain: ['order_id', 'line_no'],
  dateColumn: 'order_ts',
  partition: 'month',
  dimensions: [
    { lookup: dimCustomer, naturalKey: ['customer_id'] },
    { lookup: dimProduct, naturalKey: ['product_id'], asOf: false },
    { lookup: dimDate, naturalKey: ['order_date'] },
  ],
  measures: ['quantity', 'unit_price', 'amount'],
});

const revenue = { table: 'v_revenue' };

export default defineFactory([
  task('stage_customers', stageCustomers, {
    description: 'customer snapshot at the window end from the change log',
  }),
  task('stage_products', stageProducts, { description: 'product catalogue', dependsOn: [] }),
  task('stage_sales', stageSales, { description: 'order lines of the window', dependsOn: [] }),
  task('dim_date', dimDate.load, { description: 'calendar 2025–2027', dependsOn: [] }),
  task('dim_customer', dimCustomer.load, {
    description: 'SCD2 on segment and city, SCD1 on e-mail and name; deleted customers are closed',
    dependsOn: ['stage_customers'],
  }),
  task('dim_product', dimProduct.load, {
    description: 'SCD1 product attributes',
    dependsOn: ['stage_products'],
  }),
  task('fact_sales', factSales.load, {
    description: 'order lines of the window with point-in-time customer keys, monthly partitions',
    dependsOn: ['stage_sales', 'dim_date', 'dim_customer', 'dim_product'],
    // the run's number_of_records: staging and dimension rows keep their own counts per task
    target: true,
  }),
  task('views', viewsTask('views'), { description: 'revenue views', dependsOn: ['fact_sales'] }),
  task(
    'agg_revenue_daily',
    aggregationTask({
      kind: 'tumbling',
      period: 'day',
      target: { table: 'agg_revenue_daily' },
      source: revenue,
      timeColumn: 'order_ts',
      groupBy: ['category'],
      measures: { revenue: { fn: 'sum', column: 'amount' }, lines: { fn: 'count' } },
    }),
    { description: 'revenue per day and product category', dependsOn: ['views'] },
  ),
  task(
    'agg_revenue_7d',
    aggregationTask({
      kind: 'rolling',
      days: 7,
      target: { table: 'agg_revenue_7d' },
      source: revenue,
      timeColumn: 'order_ts',
      measures: { revenue: { fn: 'sum', column: 'amount' }, lines: { fn: 'count' } },
    }),
    { description: 'revenue of the last 7 days, per day', dependsOn: ['views'] },
  ),
  task(
    'agg_segment_monthly',
    aggregationTask({
      kind: 'delta',
      period: 'month',
      target: { table: 'agg_segment_monthly' },
      source: revenue,
      timeColumn: 'order_ts',
      groupBy: ['segment'],
      measures: { revenue: { fn: 'sum', column: 'amount' } },
    }),
    {
      description: 'revenue per month and customer segment (at order time), change vs the previous month',
      dependsOn: ['views'],
    },
  ),
  task(
    'agg_line_size',
    aggregationTask({
      kind: 'buckets',
      period: 'month',
      column: 'amount',
      bounds: [10, 50, 100],
      target: { table: 'agg_line_size' },
      source: revenue,
      timeColumn: 'order_ts',
      groupBy: ['city'],
      measures: { lines: { fn: 'count' }, revenue: { fn: 'sum', column: 'amount' } },
    }),
    { description: 'order lines per month, city and amount range', dependsOn: ['views'] },
  ),
  task(
    'agg_revenue_running',
    aggregationTask({
      kind: 'running_total',
      period: 'day',
      target: { table: 'agg_revenue_running' },
      source: revenue,
      timeColumn: 'order_ts',
      measures: { revenue: { fn: 'sum', column: 'amount' } },
    }),
    { description: 'revenue since the first day', dependsOn: ['views'] },
  ),
]);
