import { windowParams } from '../core/window-params.js';
import { bindNamedParams } from '../db/named-params.js';
import { plural, requireTables } from './evaluate.js';
import { column, SqlValues, startWith, tableRef } from './sql-parts.js';
import type { Sql } from '../db/sql.js';
import {
  CheckCannotRunError,
  type CheckScope,
  type CountSource,
  type Evaluation,
  type RecordDiscrepancyCheck,
} from './types.js';
import { describeRange, resolveWindow, type TimeRange } from './window-spec.js';

type TableSource = Extract<CountSource, { table: string }>;

/**
 * `select <select> from <table> where <where> and <in range> <tail>`, values appended to `values`. `params`
 * are those of the compared range (see rangeParams).
 */
function tableSelect(
  source: TableSource,
  params: Record<string, unknown>,
  range: TimeRange | null,
  values: SqlValues,
  select: string,
  tail = '',
): string {
  const { predicate } = startWith(source.where, params, 'count where', values);
  let inRange = 'true';
  if (range && source.timeColumn) {
    const col = column(source.timeColumn);
    inRange = `${col} >= ${values.add(range.start)}::timestamptz and ${col} < ${values.add(range.end)}::timestamptz`;
  }
  return `select ${select} from ${tableRef(source.table)} where ${predicate} and ${inRange}${tail}`;
}

/** The count of a table source, limited to the range through its time column. */
function tableCountSql(source: TableSource, params: Record<string, unknown>, range: TimeRange | null): Sql {
  const values = new SqlValues();
  const text = tableSelect(
    source,
    params,
    range,
    values,
    `coalesce((${source.count ?? 'count(*)'}), 0)::bigint as n`,
  );
  return { text, values: values.values };
}

/** The UTC days where source and target counts differ (both sides tables with a time column). */
function dailyDifferenceSql(
  source: TableSource & { timeColumn: string },
  target: TableSource & { timeColumn: string },
  params: Record<string, unknown>,
  range: TimeRange | null,
): Sql {
  const values = new SqlValues();
  const perDay = (side: TableSource & { timeColumn: string }) =>
    tableSelect(
      side,
      params,
      range,
      values,
      `${column(side.timeColumn)}::date as day, coalesce((${side.count ?? 'count(*)'}), 0)::bigint as n`,
      ' group by 1',
    );
  return {
    text:
      `with s as (${perDay(source)}), t as (${perDay(target)}) ` +
      `select coalesce(s.day, t.day)::text as day, coalesce(s.n, 0) as source, coalesce(t.n, 0) as target, ` +
      `coalesce(s.n, 0) - coalesce(t.n, 0) as difference from s full join t on s.day = t.day ` +
      `where coalesce(s.n, 0) <> coalesce(t.n, 0) order by 1`,
    values: values.values,
  };
}

/** The scope's parameters with `:start_load_date` / `:end_load_date` those of the compared range. */
function rangeParams(scope: CheckScope, range: TimeRange | null): Record<string, unknown> {
  return range
    ? { ...scope.params, ...windowParams({ ...scope.window, ...range }, scope.runId) }
    : scope.params;
}

async function countOf(
  source: CountSource,
  scope: CheckScope,
  params: Record<string, unknown>,
  range: TimeRange | null,
  side: string,
): Promise<number> {
  let value: unknown;
  if ('fn' in source) {
    value = await source.fn(range);
  } else {
    const query =
      'table' in source
        ? tableCountSql(source, params, range)
        : bindNamedParams(source.sql, params, `record_discrepancy ${side}.sql`);
    if ('table' in source) await requireTables(scope, [source.table]);
    const [row] = await scope.query(query.text, query.values);
    value = row ? Object.values(row)[0] : undefined;
  }
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isFinite(n)) {
    throw new CheckCannotRunError(`${side} count is not a number (got ${JSON.stringify(value)})`);
  }
  return n;
}

export async function evaluateRecordDiscrepancy(
  check: RecordDiscrepancyCheck,
  scope: CheckScope,
): Promise<Evaluation> {
  const range = await resolveWindow(check.window, scope);
  const params = rangeParams(scope, range);
  const source = await countOf(check.source, scope, params, range, 'source');
  const target = await countOf(check.target, scope, params, range, 'target');
  const difference = Math.abs(source - target);
  const allowed = Math.max(check.tolerance ?? 0, ((check.tolerancePercent ?? 0) / 100) * Math.abs(source));
  const failed = difference > allowed;
  let sample: Record<string, unknown>[] | null = null;
  let failingRows: number | null = null;
  const { source: from, target: to } = check;
  if (failed && 'table' in from && 'table' in to && from.timeColumn && to.timeColumn) {
    const query = dailyDifferenceSql(
      { ...from, timeColumn: from.timeColumn },
      { ...to, timeColumn: to.timeColumn },
      params,
      range,
    );
    const days = await scope.query(query.text, query.values);
    failingRows = days.length;
    sample = days.slice(0, 10);
  }
  return {
    verdict: failed ? 'fail' : 'pass',
    observed: difference,
    threshold: `<= ${allowed}`,
    failingRows,
    sample: failed ? (sample ?? [{ source, target, difference: source - target }]) : null,
    message:
      `source ${source} vs target ${target} (${describeRange(range)}): difference ${difference}` +
      (failed ? `, more than the ${plural(allowed, 'record')} allowed` : ''),
  };
}
