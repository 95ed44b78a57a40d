import { evaluateFailingRows, plural, requireTables } from './evaluate.js';
import { column, startWith, tableRef } from './sql-parts.js';
import type { Sql } from '../db/sql.js';
import type {
  AcceptedValuesCheck,
  CheckScope,
  Evaluation,
  NotNullCheck,
  RangeCheck,
  UniqueCheck,
} from './types.js';

type Params = Record<string, unknown>;

/** Rows where any of the columns is null. */
export function notNullSql(check: NotNullCheck, params: Params): Sql {
  const { predicate, values } = startWith(check.where, params, `${check.kind} where`);
  const anyNull = check.columns.map((c) => `${column(c)} is null`).join(' or ');
  return {
    text: `select * from ${tableRef(check.table)} where ${predicate} and (${anyNull})`,
    values: values.values,
  };
}

/** One row per key that occurs more than once, with its number of occurrences. */
export function uniqueSql(check: UniqueCheck, params: Params): Sql {
  const { predicate, values } = startWith(check.where, params, `${check.kind} where`);
  const keys = check.columns.map((c) => column(c)).join(', ');
  const present = check.columns.map((c) => `${column(c)} is not null`).join(' and ');
  return {
    text:
      `select ${keys}, count(*)::bigint as occurrences from ${tableRef(check.table)} ` +
      `where ${predicate} and ${present} group by ${keys} having count(*) > 1 order by occurrences desc, ${keys}`,
    values: values.values,
  };
}

/** Rows whose (non-null) value, as text, is not one of the accepted values. */
function acceptedValuesSql(check: AcceptedValuesCheck, params: Params): Sql {
  const { predicate, values } = startWith(check.where, params, `${check.kind} where`);
  const accepted = values.add(check.values.map(String));
  const col = column(check.column);
  return {
    text:
      `select * from ${tableRef(check.table)} where ${predicate} ` +
      `and ${col} is not null and not (${col}::text = any(${accepted}::text[]))`,
    values: values.values,
  };
}

/** Rows whose (non-null) value lies outside the inclusive bounds; bounds take the column's type. */
function rangeSql(check: RangeCheck, params: Params): Sql {
  const { predicate, values } = startWith(check.where, params, `${check.kind} where`);
  const col = column(check.column);
  const outside: string[] = [];
  if (check.min !== undefined) outside.push(`${col} < ${values.add(check.min)}`);
  if (check.max !== undefined) outside.push(`${col} > ${values.add(check.max)}`);
  return {
    text: `select * from ${tableRef(check.table)} where ${predicate} and (${outside.join(' or ')})`,
    values: values.values,
  };
}

export async function evaluateNotNull(check: NotNullCheck, scope: CheckScope): Promise<Evaluation> {
  await requireTables(scope, [check.table]);
  return evaluateFailingRows(
    scope,
    notNullSql(check, scope.params),
    (n) => `${plural(n, 'row')} of ${check.table} with a null in ${check.columns.join(', ')}`,
  );
}

export async function evaluateUnique(check: UniqueCheck, scope: CheckScope): Promise<Evaluation> {
  await requireTables(scope, [check.table]);
  return evaluateFailingRows(
    scope,
    uniqueSql(check, scope.params),
    (n) => `${plural(n, 'duplicated key')} (${check.columns.join(', ')}) in ${check.table}`,
  );
}

export async function evaluateAcceptedValues(
  check: AcceptedValuesCheck,
  scope: CheckScope,
): Promise<Evaluation> {
  await requireTables(scope, [check.table]);
  const result = await evaluateFailingRows(
    scope,
    acceptedValuesSql(check, scope.params),
    (n) =>
      `${plural(n, 'row')} of ${check.table} with ${check.column} not in (${check.values.map(String).join(', ')})`,
  );
  return { ...result, threshold: `in (${check.values.map(String).join(', ')})` };
}

export async function evaluateRange(check: RangeCheck, scope: CheckScope): Promise<Evaluation> {
  await requireTables(scope, [check.table]);
  const bounds = [
    check.min !== undefined ? `>= ${String(check.min)}` : null,
    check.max !== undefined ? `<= ${String(check.max)}` : null,
  ]
    .filter(Boolean)
    .join(' and ');
  const result = await evaluateFailingRows(
    scope,
    rangeSql(check, scope.params),
    (n) => `${plural(n, 'row')} of ${check.table} with ${check.column} outside ${bounds}`,
  );
  return { ...result, threshold: bounds };
}
