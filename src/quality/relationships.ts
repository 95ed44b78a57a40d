import { evaluateFailingRows, plural, requireTables } from './evaluate.js';
import { column, startWith, tableRef } from './sql-parts.js';
import type { Sql } from '../db/sql.js';
import type { CheckScope, Evaluation, RelationshipsCheck } from './types.js';

/** One row per child key value absent from the parent, with the number of child rows carrying it. */
function relationshipsSql(check: RelationshipsCheck, params: Record<string, unknown>): Sql {
  const { predicate, values } = startWith(check.where, params, `${check.kind} where`);
  const child = column(check.column, 'c');
  return {
    text:
      `select ${child} as missing_key, count(*)::bigint as child_rows from ${tableRef(check.table)} as c ` +
      `where ${predicate} and ${child} is not null and not exists (` +
      `select 1 from ${tableRef(check.parent.table)} as p where ${column(check.parent.column, 'p')} = ${child}) ` +
      `group by ${child} order by child_rows desc, ${child}`,
    values: values.values,
  };
}

export async function evaluateRelationships(
  check: RelationshipsCheck,
  scope: CheckScope,
): Promise<Evaluation> {
  await requireTables(scope, [check.table, check.parent.table]);
  return evaluateFailingRows(
    scope,
    relationshipsSql(check, scope.params),
    (n) =>
      `${plural(n, 'value')} of ${check.table}.${check.column} missing from ${check.parent.table}.${check.parent.column}`,
  );
}
