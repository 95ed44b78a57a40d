import type { LoadWindow } from './types.js';

/**
 * The window as named parameters of SQL with `:name` placeholders: `:start_load_date`, `:end_load_date`,
 * `:previous_max_date`, and `:run_id` when a run id is given (null: a check outside a run). The one builder
 * for `ctx.sql.file`, the database connectors and the checks.
 */
export function windowParams(
  window: Pick<LoadWindow, 'start' | 'end' | 'previousMaxDate'>,
  runId?: number | null,
): Record<string, unknown> {
  return {
    start_load_date: window.start,
    end_load_date: window.end,
    previous_max_date: window.previousMaxDate,
    ...(runId === undefined ? {} : { run_id: runId }),
  };
}
