import { countOf, sampleOf, tableRef } from './sql-parts.js';
import type { Sql } from '../db/sql.js';
import { CheckCannotRunError, type CheckScope, type Evaluation } from './types.js';

const SAMPLE_SIZE = 10;

/**
 * The common shape of row-level checks: count the rows a failing-rows query returns and keep the first ten.
 * Observed = failing rows; the check passes at 0.
 */
export async function evaluateFailingRows(
  scope: CheckScope,
  query: Sql,
  describe: (failing: number) => string,
): Promise<Evaluation> {
  const counted = countOf(query);
  const [row] = await scope.query<{ n: number }>(counted.text, counted.values);
  const failing = Number(row?.n ?? 0);
  let sample: Record<string, unknown>[] | null = null;
  if (failing > 0) {
    const sampled = sampleOf(query, SAMPLE_SIZE);
    sample = await scope.query(sampled.text, sampled.values);
  }
  return {
    verdict: failing > 0 ? 'fail' : 'pass',
    observed: failing,
    threshold: '= 0',
    failingRows: failing,
    sample,
    message: describe(failing),
  };
}

/** A clear `error` result instead of PostgreSQL's "relation does not exist" mid-query. */
export async function requireTables(scope: CheckScope, tables: string[]): Promise<void> {
  for (const table of tables) {
    const [row] = await scope.query<{ found: string | null }>(`select to_regclass($1)::text as found`, [
      tableRef(table),
    ]);
    if (!row?.found) throw new CheckCannotRunError(`table ${table} does not exist`);
  }
}

export function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}
