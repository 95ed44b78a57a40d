import type { Warehouse } from '../db/connection.js';

/**
 * Whether a project's successful complete runs cover a load window — what a project sensor waits for. Its
 * successful `full` runs (a partial run did not load everything, see run-kind.ts) count by their windows
 * `[start_load_date, end_load_date)`; incremental runs chain, so several runs may cover the window together:
 * their windows, joined, must leave no gap from the window start to the window end.
 */
export interface Coverage {
  covered: boolean;
  /** The successful full runs of the project that overlap the window, in window order. */
  runs: number;
  /**
   * How far from the window start the runs reach without a gap; null when none starts at or before the
   * window start.
   */
  coveredUntil: Date | null;
  /** Whether the project has any successful full run at all (anywhere in time). */
  anyRun: boolean;
}

interface WindowRow {
  start_load_date: Date;
  end_load_date: Date;
}

/** The windows of the project's successful full runs that overlap `[start, end)`, ordered by their start. */
function coveringRunsSql(project: string, start: Date, end: Date): { text: string; values: unknown[] } {
  return {
    text:
      `select start_load_date, end_load_date from dwh.etl_runs ` +
      `where project_name = $1 and status = 'success' and run_kind = 'full' ` +
      `and end_load_date > $2 and start_load_date < $3 ` +
      `order by start_load_date, end_load_date desc`,
    values: [project, start, end],
  };
}

export async function projectCoverage(
  warehouse: Pick<Warehouse, 'query'>,
  project: string,
  window: { start: Date; end: Date },
): Promise<Coverage> {
  const query = coveringRunsSql(project, window.start, window.end);
  const rows = await warehouse.query<WindowRow>(query.text, query.values);
  const coveredUntil = joinedReach(rows, window.start);
  let anyRun = rows.length > 0;
  if (!anyRun) {
    const found = await warehouse.query(
      `select 1 from dwh.etl_runs where project_name = $1 and status = 'success' and run_kind = 'full' limit 1`,
      [project],
    );
    anyRun = found.length > 0;
  }
  return {
    covered: coveredUntil !== null && coveredUntil >= window.end,
    runs: rows.length,
    coveredUntil,
    anyRun,
  };
}

/** The end of the gapless union of the windows that starts at or before `from`; null when none does. */
function joinedReach(rows: readonly WindowRow[], from: Date): Date | null {
  let reach: Date | null = null;
  for (const row of rows) {
    const start = new Date(row.start_load_date);
    const end = new Date(row.end_load_date);
    if (reach === null) {
      if (start > from) return null;
      reach = end;
    } else if (start <= reach) {
      if (end > reach) reach = end;
    } else break;
  }
  return reach;
}
