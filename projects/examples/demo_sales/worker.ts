import { createReadStream } from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse';
import { quoteIdent, type TaskContext } from 'dwh';

/** Daily aggregates are rebuilt for whole days: the window start is taken back to 00:00 UTC. */
export function dayStart(date: Date): Date {
  return new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
}

interface SaleRow {
  order_id: string;
  order_ts: string;
  store: string;
  product: string;
  quantity: string;
  unit_price: string;
}

/** Streams the CSV, keeps the orders inside the window and loads them into a truncated staging table. */
export async function extractCsvToStaging(ctx: TaskContext, args: { file: string; staging: string }) {
  const from = dayStart(ctx.window.start);
  const to = ctx.window.end;
  const parser = createReadStream(path.join(ctx.projectDir, args.file)).pipe(
    parse({ columns: true, skip_empty_lines: true }),
  );
  const batch: Record<string, unknown>[] = [];
  let records = 0;
  let min: Date | null = null;
  let max: Date | null = null;
  await ctx.db.transaction(async (trx) => {
    await trx.raw(`truncate table ${quoteIdent(args.staging)}`);
    for await (const row of parser as AsyncIterable<SaleRow>) {
      ctx.signal.throwIfAborted();
      const ts = new Date(row.order_ts);
      if (Number.isNaN(ts.getTime()))
        throw new Error(`${args.file}: order ${row.order_id} has a bad order_ts '${row.order_ts}'`);
      if (ts < from || ts >= to) continue;
      batch.push({
        order_id: Number(row.order_id),
        order_ts: ts,
        store: row.store,
        product: row.product,
        quantity: Number(row.quantity),
        unit_price: row.unit_price,
        run_id: ctx.runId,
      });
      records += 1;
      if (!min || ts < min) min = ts;
      if (!max || ts > max) max = ts;
      if (batch.length === 500) await trx(args.staging).insert(batch.splice(0));
    }
    if (batch.length) await trx(args.staging).insert(batch.splice(0));
  });
  ctx.log.info(`${records} orders from ${from.toISOString()} to ${to.toISOString()} staged`);
  return { records, dataMinDate: min, dataMaxDate: max };
}

/** Rebuilds the window's days of the target from staging; its rows are the records the run loaded. */
export async function transformDaily(ctx: TaskContext) {
  const rows = await ctx.sql.file('queries/transform_daily.sql');
  ctx.log.info(`${rows.length} daily store rows written`);
  return { records: rows.length, table: 'demo_daily_sales' };
}

/** Fails the task when staging and target disagree on revenue for the window days. */
export async function checkTotals(ctx: TaskContext, args: { staging: string; target: string }) {
  const [row] = await ctx.sql<{ staged: string | null; loaded: string | null }>(
    `select (select sum(quantity * unit_price) from ${quoteIdent(args.staging)}) as staged,
            (select sum(revenue) from ${quoteIdent(args.target)} where day >= $1::date and day < $2::date) as loaded`,
    [dayStart(ctx.window.start), ctx.window.end],
  );
  const staged = Number(row?.staged ?? 0);
  const loaded = Number(row?.loaded ?? 0);
  if (Math.abs(staged - loaded) > 0.005) {
    throw new Error(
      `revenue mismatch for the window: staging ${staged.toFixed(2)} vs ${args.target} ${loaded.toFixed(2)}`,
    );
  }
  ctx.log.info(`revenue ${loaded.toFixed(2)} matches staging`);
}

export async function exportDaily(ctx: TaskContext, args: { target: string }) {
  const rows = await ctx
    .db(args.target)
    .select('day', 'store', 'orders', 'units', 'revenue')
    .where('day', '>=', dayStart(ctx.window.start))
    .andWhere('day', '<', ctx.window.end)
    .orderBy(['day', 'store']);
  const file = await ctx.output.writeCsv(rows, 'daily_sales', {
    columns: ['day', 'store', 'orders', 'units', 'revenue'],
  });
  ctx.log.info(`${rows.length} rows written to ${path.basename(file)}`);
}
