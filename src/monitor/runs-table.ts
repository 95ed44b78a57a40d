import type { RunRow } from '../audit/run-store.js';
import type { AttemptRow } from '../audit/task-run-store.js';
import { formatDuration } from '../present/durations.js';
import { formatInstant, formatWindow, type InstantOptions } from '../present/instants.js';
import { formatCount } from '../present/numbers.js';
import { textTableLines } from '../present/text-table.js';
import { oneLine } from '../present/text.js';
import { colourStatus } from './terminal-colour.js';

/** Instants take the compact form of console tables: `2026-05-31 06:00:00Z`. */
const IN_TABLE: InstantOptions = { zone: 'Z' };
const MAX_ERROR = 300;

/**
 * `dwh runs` as a table: one line per run with its kind (`full` | `partial`); under a partial run, what it ran;
 * under a resumed run, the run it resumed; under a failed run, its failing attempts and errors; with
 * `--attempts`, every attempt (a reused task's row names the run whose attempt it reuses). Status colours only on a terminal (padding is applied before colouring).
 */
export function runsText(
  runs: RunRow[],
  attempts: AttemptRow[],
  allAttempts: boolean,
  colour: boolean,
): string {
  const now = Date.now();
  const rows = runs.map((run) => {
    const end = run.end_script_execution_time;
    return {
      run: String(run.run_id),
      project: run.project_name,
      status: run.status,
      load: run.load_type,
      window: formatWindow(run.start_load_date, run.end_load_date, IN_TABLE),
      started: formatInstant(run.start_script_execution_time, IN_TABLE),
      duration: end
        ? formatDuration(end.getTime() - run.start_script_execution_time.getTime())
        : `${formatDuration(now - run.start_script_execution_time.getTime())}…`,
      records: formatCount(Number(run.number_of_records)),
      // an audit schema read without migrating may predate run kinds: all runs were full then
      kind: run.run_kind ?? 'full',
      env: run.environment,
      version: run.script_version,
    };
  });
  const [head, rule, ...runLines] = textTableLines(rows, {
    alignRight: ['run', 'duration', 'records'],
    paint: (key, padded, index) =>
      key === 'status' ? colourStatus(runs[index]!.status, padded, colour) : padded,
  });
  const lines = [head!, rule!];
  runs.forEach((run, index) => {
    lines.push(runLines[index]!);
    if (run.resumed_from !== null && run.resumed_from !== undefined)
      lines.push(`    resumed from run ${run.resumed_from} (same window; its succeeded tasks reused)`);
    if (run.run_kind === 'partial')
      lines.push(
        `    partial: ${run.selected_tasks?.length ? `only ${run.selected_tasks.join(', ')}` : 'tasks were skipped'}` +
          ' — not the base of the next incremental window',
      );
    const own = attempts.filter((a) => a.run_id === run.run_id);
    const shown = allAttempts ? own : own.filter((a) => a.status === 'failed');
    for (const a of shown) {
      const seconds = a.ended_at ? formatDuration(a.ended_at.getTime() - a.started_at.getTime()) : 'running';
      const status = colourStatus(a.status, a.status, colour);
      const reused =
        a.reused_from === null || a.reused_from === undefined ? '' : ` — reused from run ${a.reused_from}`;
      lines.push(
        `    ${a.task_name} #${a.attempt} ${status} ${seconds}, ${formatCount(Number(a.records))} records` +
          // a schema read without migrating may predate the column: no pokes then
          (a.pokes === null || a.pokes === undefined
            ? ''
            : `, ${formatCount(Number(a.pokes))} poke${Number(a.pokes) === 1 ? '' : 's'}`) +
          reused +
          (a.error_message ? ` — ${oneLine(a.error_message, MAX_ERROR)}` : ''),
      );
    }
    if (
      run.error_message &&
      !shown.some((a) => a.error_message && run.error_message!.includes(a.error_message))
    )
      lines.push(`    error: ${oneLine(run.error_message, MAX_ERROR)}`);
  });
  return `${lines.join('\n')}\n`;
}
