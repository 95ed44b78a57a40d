import { evaluateFailingRows, plural } from './evaluate.js';
import { bindFragment, SqlValues } from './sql-parts.js';
import type { Sql } from '../db/sql.js';
import type { CheckScope, Evaluation, ExpressionCheck } from './types.js';

/** The author's query with `:start_load_date`… bound (a trailing semicolon would break the wrapping). */
function expressionSql(check: ExpressionCheck, params: Record<string, unknown>): Sql {
  const values = new SqlValues();
  const text = bindFragment(
    check.sql.trim().replace(/;\s*$/, ''),
    params,
    values,
    `expression '${check.name}'`,
  );
  if (!check.where?.trim()) return { text, values: values.values };
  const where = bindFragment(check.where, params, values, `expression '${check.name}' where`);
  return { text: `select * from (${text}) as expression_rows where ${where}`, values: values.values };
}

export function evaluateExpression(check: ExpressionCheck, scope: CheckScope): Promise<Evaluation> {
  return evaluateFailingRows(scope, expressionSql(check, scope.params), (n) => `${plural(n, 'failing row')}`);
}
