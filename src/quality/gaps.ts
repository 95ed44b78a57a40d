import { evaluateFailingRows, plural, requireTables } from './evaluate.js';
import { column, startWith, tableRef } from './sql-parts.js';
import type { Sql } from '../db/sql.js';
import type { CheckScope, Evaluation, GapsCheck } from './types.js';
import { describeRange, resolveWindow, type TimeRange } from './window-spec.js';

/**
 * UTC days of the range with no row. The range's last day is the one holding `end − 1 µs`, so a window ending
 * at midnight does not ask for the next day. With no range, the table's own first to last day.
 */
export function gapsSql(check: GapsCheck, params: Record<string, unknown>, range: TimeRange | null): Sql {
  const { predicate, values } = startWith(check.where, params, `${check.kind} where`);
  const col = column(check.column);
  const table = tableRef(check.table);
  let bounds: string;
  let inRange = 'true';
  if (range) {
    const start = values.add(range.start);
    const end = values.add(range.end);
    bounds = `select ${start}::timestamptz::date as first_day, (${end}::timestamptz - interval '1 microsecond')::date as last_day`;
    inRange = `${col} >= ${start}::timestamptz and ${col} < ${end}::timestamptz`;
  } else {
    bounds = `select min(${col})::date as first_day, max(${col})::date as last_day from ${table} where ${predicate}`;
  }
  return {
    text:
      `with bounds as (${bounds}), ` +
      `days as (select generate_series(first_day, last_day, interval '1 day')::date as day from bounds), ` +
      `present as (select distinct ${col}::date as day from ${table} where ${predicate} and ${inRange}) ` +
      `select days.day::text as missing_day from days ` +
      `where not exists (select 1 from present where present.day = days.day) order by days.day`,
    values: values.values,
  };
}

export async function evaluateGaps(check: GapsCheck, scope: CheckScope): Promise<Evaluation> {
  await requireTables(scope, [check.table]);
  const range = await resolveWindow(check.window, scope);
  const result = await evaluateFailingRows(
    scope,
    gapsSql(check, scope.params, range),
    (n) => `${plural(n, 'day')} without rows in ${check.table}.${check.column} (${describeRange(range)})`,
  );
  return { ...result, threshold: '0 days' };
}
