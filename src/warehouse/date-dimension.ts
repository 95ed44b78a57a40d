import type { Knex } from 'knex';
import type { TaskContext } from '../core/types.js';
import type { PlainLookup } from './fact-table.js';
import type { Sql } from '../db/sql.js';
import { tableIdent, tableLabel } from '../db/table-name.js';
import { inTransaction } from './transaction.js';
import { WarehouseError } from './warehouse-error.js';
import { isDateOnly, parseUtcDate } from '../core/dates.js';

export interface DateDimensionOptions {
  /** (Default: 'dim_date') */
  table?: string;
  schema?: string;
  /** First and last day, `YYYY-MM-DD`, both included. */
  from: string;
  to: string;
}

export interface DateDimension extends PlainLookup {
  kind: 'date_dimension';
  /** Task function: creates the table and adds missing days. */
  load: (ctx: TaskContext) => Promise<void>;
  ensure(db: Knex): Promise<number>;
}

/** A calendar dimension keyed `YYYYMMDD` (natural key `date`), with the unknown member −1. */
export function dateDimension(options: DateDimensionOptions): DateDimension {
  for (const key of ['from', 'to'] as const) {
    if (!isDateOnly(options[key]) || Number.isNaN(parseUtcDate(options[key]).getTime()))
      throw new WarehouseError(
        `dateDimension: ${key} must be YYYY-MM-DD (got ${JSON.stringify(options[key])})`,
      );
  }
  if (options.from > options.to)
    throw new WarehouseError(`dateDimension: from ${options.from} is after to ${options.to}`);
  const table = { ...(options.schema ? { schema: options.schema } : {}), table: options.table ?? 'dim_date' };
  const ensure = (db: Knex) =>
    inTransaction(db, async (query) => {
      let added = 0;
      for (const statement of dateDimensionSql(table, options.from, options.to)) {
        const rows = await query<{ n?: number }>(statement);
        added = rows[0]?.n ?? added;
      }
      return added;
    });
  return {
    kind: 'date_dimension',
    ...table,
    key: 'date_key',
    naturalKey: ['date'],
    ensure,
    async load(ctx) {
      const added = await ensure(ctx.db);
      ctx.log.info(`${table.table}: ${added} day(s) added`);
      ctx.report({ records: added, table: tableLabel(table) });
    },
  };
}

function dateDimensionSql(table: { schema?: string; table: string }, from: string, to: string): Sql[] {
  const t = tableIdent(table);
  return [
    {
      text: `CREATE TABLE IF NOT EXISTS ${t} (
  date_key integer PRIMARY KEY,
  date date UNIQUE,
  year integer, quarter integer, month integer, month_name text, day integer,
  iso_week integer, iso_day_of_week integer, day_name text, is_weekend boolean
)`,
      values: [],
    },
    {
      text: `INSERT INTO ${t} (date_key) VALUES (-1) ON CONFLICT (date_key) DO NOTHING`,
      values: [],
    },
    {
      text: `WITH added AS (
  INSERT INTO ${t} (date_key, date, year, quarter, month, month_name, day, iso_week, iso_day_of_week, day_name, is_weekend)
  SELECT to_char(d, 'YYYYMMDD')::int, d::date, extract(year FROM d)::int, extract(quarter FROM d)::int,
         extract(month FROM d)::int, trim(to_char(d, 'Month')), extract(day FROM d)::int,
         extract(week FROM d)::int, extract(isodow FROM d)::int, trim(to_char(d, 'Day')),
         extract(isodow FROM d) >= 6
  FROM generate_series($1::date, $2::date, interval '1 day') AS d
  ON CONFLICT (date_key) DO NOTHING
  RETURNING 1
)
SELECT count(*)::int AS n FROM added`,
      values: [from, to],
    },
  ];
}
