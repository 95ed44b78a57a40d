import type { Knex } from 'knex';
import type { TaskContext } from '../core/types.js';
import { aggregationSql, type Aggregation } from './aggregation-sql.js';
import { inTransaction } from './transaction.js';

/**
 * Loads an aggregation incrementally: the periods the window `[start, end)` touches are deleted from the
 * target and recomputed from the source, in one transaction. The target is created on the first load.
 */
export async function refreshAggregation(
  db: Knex,
  spec: Aggregation,
  window: { start: Date; end: Date },
): Promise<{ deleted: number; inserted: number }> {
  const sql = aggregationSql(spec, window.start, window.end);
  return inTransaction(db, async (query) => {
    await query(sql.create);
    const [deleted] = await query<{ n: number }>({
      text: `WITH d AS (${sql.delete.text} RETURNING 1) SELECT count(*)::int AS n FROM d`,
      values: sql.delete.values,
    });
    const [inserted] = await query<{ n: number }>({
      text: `WITH i AS (${sql.insert.text} RETURNING 1) SELECT count(*)::int AS n FROM i`,
      values: sql.insert.values,
    });
    return { deleted: deleted!.n, inserted: inserted!.n };
  });
}

/** Task function: refreshes an aggregation for the run's window. */
export function aggregationTask(spec: Aggregation) {
  return async function refreshAggregationTask(ctx: TaskContext): Promise<void> {
    const result = await refreshAggregation(ctx.db, spec, ctx.window);
    ctx.log.info(`${spec.target.table}: ${result.deleted} row(s) replaced by ${result.inserted}`);
  };
}
