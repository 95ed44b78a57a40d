import { requireTables } from './evaluate.js';
import { column, startWith, tableRef } from './sql-parts.js';
import type { Sql } from '../db/sql.js';
import type { CheckScope, Evaluation, FreshnessCheck } from './types.js';

/** `'30m'`, `'36h'`, `'2d'` or a number of hours, in hours. */
export function durationHours(value: string | number): number {
  if (typeof value === 'number') return value;
  const match = /^(\d+(?:\.\d+)?)\s*(m|h|d)$/.exec(value.trim());
  if (!match) throw new TypeError(`'${value}' is not a duration like '30m', '36h' or '2d'`);
  const amount = Number(match[1]);
  return match[2] === 'm' ? amount / 60 : match[2] === 'd' ? amount * 24 : amount;
}

/** The newest value of the column and its age in hours at `now`. */
function freshnessSql(check: FreshnessCheck, params: Record<string, unknown>, now: Date): Sql {
  const { predicate, values } = startWith(check.where, params, `${check.kind} where`);
  const newest = `max(${column(check.column)})::timestamptz`;
  const at = values.add(now);
  return {
    text:
      `select ${newest} as newest, ` +
      `extract(epoch from (${at}::timestamptz - ${newest}))::float8 / 3600 as age_hours ` +
      `from ${tableRef(check.table)} where ${predicate}`,
    values: values.values,
  };
}

export async function evaluateFreshness(check: FreshnessCheck, scope: CheckScope): Promise<Evaluation> {
  await requireTables(scope, [check.table]);
  const warnAfter = check.warnAfter === undefined ? null : durationHours(check.warnAfter);
  const errorAfter = check.errorAfter === undefined ? null : durationHours(check.errorAfter);
  const threshold = [
    warnAfter !== null ? `warn after ${warnAfter} h` : null,
    errorAfter !== null ? `error after ${errorAfter} h` : null,
  ]
    .filter(Boolean)
    .join(', ');
  const query = freshnessSql(check, scope.params, scope.now);
  const [row] = await scope.query<{ newest: Date | null; age_hours: number | null }>(
    query.text,
    query.values,
  );
  const where = `${check.table}.${check.column}`;
  if (!row || row.newest === null || row.age_hours === null) {
    return {
      verdict: errorAfter !== null ? 'fail' : 'warn',
      observed: null,
      threshold,
      failingRows: null,
      sample: null,
      message: `${check.table} has no rows with a ${check.column}`,
    };
  }
  const age = Math.round(row.age_hours * 100) / 100;
  const verdict =
    errorAfter !== null && age > errorAfter
      ? 'fail'
      : warnAfter !== null && age > warnAfter
        ? 'warn'
        : 'pass';
  return {
    verdict,
    observed: age,
    threshold,
    failingRows: null,
    sample: verdict === 'pass' ? null : [{ newest: row.newest.toISOString(), age_hours: age }],
    message: `newest ${where} is ${row.newest.toISOString()}, ${age} h old`,
  };
}
