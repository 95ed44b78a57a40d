import { defineFactory, extractLoad, partial, task } from 'dwh';

/**
 * The source query stands in for an orders table: it makes one order every 15 minutes of the window, so the
 * example runs against any PostgreSQL server. Replace it with `select … from orders where …`.
 */
const ordersOfTheWindow = `
  select extract(epoch from ts)::bigint / 900 as order_id,
         'customer ' || (extract(epoch from ts)::bigint % 97) as customer,
         round((extract(epoch from ts)::bigint % 10000) / 100.0, 2) as amount,
         ts as ordered_at
  from generate_series(:start_load_date::timestamptz, :end_load_date::timestamptz - interval '1 second',
                       interval '15 minutes') as ts`;

export default defineFactory([
  task(
    'copy_orders',
    partial(extractLoad, {
      source: 'example_pg',
      query: ordersOfTheWindow,
      target: 'ex_orders',
      // a re-run of the same window replaces its rows instead of doubling them
      mode: 'delete-window',
      windowColumn: 'ordered_at',
    }),
    { description: 'source orders of the window → ex_orders, COPY to COPY', target: true },
  ),
  task(
    'report_range',
    async (ctx) => {
      const [row] = await ctx.sql<{ min: Date | null; max: Date | null }>(
        'select min(ordered_at) as min, max(ordered_at) as max from ex_orders where ordered_at >= $1 and ordered_at < $2',
        [ctx.window.start, ctx.window.end],
      );
      return { dataMinDate: row?.min ?? null, dataMaxDate: row?.max ?? null };
    },
    { description: 'data_min_date / data_max_date of the run from the loaded rows' },
  ),
]);
