import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { insertRowsSql, stageTable, type TaskContext } from 'dwh';

function readCsv(ctx: TaskContext, file: string): Record<string, string>[] {
  return parse(readFileSync(path.join(ctx.projectDir, file)), { columns: true, skip_empty_lines: true });
}

/**
 * The customer system exports its whole change log; the staging snapshot is each customer's last state
 * before the window end, without deleted customers. `changed_at` becomes the effective time of a version,
 * `created_at` (the first change) the start of a new customer's first version.
 */
export async function stageCustomers(ctx: TaskContext) {
  const changes = readCsv(ctx, 'data/customers.csv').map((r) => [
    Number(r.customer_id),
    r.changed_at,
    r.name,
    r.email === '' ? null : r.email,
    r.segment,
    r.city,
    r.deleted === '1',
  ]);
  await stageTable(ctx.db, {
    table: 'stg_customer_changes',
    load: async (query) => {
      const columns = ['customer_id', 'changed_at', 'name', 'email', 'segment', 'city', 'deleted'];
      for (const statement of insertRowsSql({ table: 'stg_customer_changes' }, columns, changes))
        await query(statement);
    },
  });
  const { rows } = await stageTable(ctx.db, {
    table: 'stg_customer',
    naturalKey: ['customer_id'],
    minRows: 1,
    load: {
      text: `INSERT INTO stg_customer (customer_id, name, email, segment, city, changed_at, created_at)
             SELECT customer_id, name, email, segment, city, changed_at, created_at
             FROM (SELECT DISTINCT ON (customer_id) *, min(changed_at) OVER (PARTITION BY customer_id) AS created_at
                   FROM stg_customer_changes WHERE changed_at < $1
                   ORDER BY customer_id, changed_at DESC) latest
             WHERE NOT deleted`,
      values: [ctx.window.end],
    },
  });
  ctx.log.info(`${rows} customers as of ${ctx.window.end.toISOString()} staged`);
}

export async function stageProducts(ctx: TaskContext) {
  const products = readCsv(ctx, 'data/products.csv').map((r) => [
    Number(r.product_id),
    r.name,
    r.category,
    r.list_price,
  ]);
  const { rows } = await stageTable(ctx.db, {
    table: 'stg_product',
    naturalKey: ['product_id'],
    minRows: 1,
    load: async (query) => {
      for (const statement of insertRowsSql(
        { table: 'stg_product' },
        ['product_id', 'name', 'category', 'list_price'],
        products,
      ))
        await query(statement);
    },
  });
  ctx.log.info(`${rows} products staged`);
}

/** Order lines of the window. */
export async function stageSales(ctx: TaskContext) {
  const { start, end } = ctx.window;
  const lines = readCsv(ctx, 'data/sales.csv')
    .filter((r) => {
      const ts = Date.parse(r.order_ts!);
      if (Number.isNaN(ts))
        throw new Error(`data/sales.csv: order ${r.order_id} has a bad order_ts '${r.order_ts}'`);
      return ts >= start.getTime() && ts < end.getTime();
    })
    .map((r) => [
      Number(r.order_id),
      Number(r.line_no),
      r.order_ts,
      r.order_ts!.slice(0, 10),
      Number(r.customer_id),
      Number(r.product_id),
      Number(r.quantity),
      r.unit_price,
    ]);
  const columns = [
    'order_id',
    'line_no',
    'order_ts',
    'order_date',
    'customer_id',
    'product_id',
    'quantity',
    'unit_price',
  ];
  const { rows } = await stageTable(ctx.db, {
    table: 'stg_sales',
    naturalKey: ['order_id', 'line_no'],
    load: async (query) => {
      for (const statement of insertRowsSql({ table: 'stg_sales' }, columns, lines)) await query(statement);
    },
  });
  ctx.log.info(`${rows} order lines from ${start.toISOString()} to ${end.toISOString()} staged`);
}
