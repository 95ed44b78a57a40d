import { requireTables } from './evaluate.js';
import { startWith, tableRef } from './sql-parts.js';
import type { Sql } from '../db/sql.js';
import type { CheckScope, Evaluation, RowCountCheck } from './types.js';

function rowCountSql(check: RowCountCheck, params: Record<string, unknown>): Sql {
  const { predicate, values } = startWith(check.where, params, `${check.kind} where`);
  return {
    text: `select count(*)::bigint as n from ${tableRef(check.table)} where ${predicate}`,
    values: values.values,
  };
}

function rowCountThreshold(check: { min?: number; max?: number }): string {
  if (check.min !== undefined && check.max !== undefined) return `between ${check.min} and ${check.max}`;
  return check.min !== undefined ? `>= ${check.min}` : `<= ${check.max}`;
}

export async function evaluateRowCount(check: RowCountCheck, scope: CheckScope): Promise<Evaluation> {
  await requireTables(scope, [check.table]);
  const query = rowCountSql(check, scope.params);
  const [row] = await scope.query<{ n: number }>(query.text, query.values);
  const n = Number(row?.n ?? 0);
  const outside = (check.min !== undefined && n < check.min) || (check.max !== undefined && n > check.max);
  const threshold = rowCountThreshold(check);
  return {
    verdict: outside ? 'fail' : 'pass',
    observed: n,
    threshold,
    failingRows: null,
    sample: null,
    message: `${check.table} has ${n} row(s)${outside ? `, expected ${threshold}` : ''}`,
  };
}
