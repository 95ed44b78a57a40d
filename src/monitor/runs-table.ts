import type { RunRow } from '../audit/run-store.js';
import type { AttemptRow } from '../audit/task-run-store.js';
import { formatCount, formatDuration, formatInstant, formatWindow } from './format.js';
import { colourStatus } from './terminal-colour.js';

/**
 * `dwh runs` as a table: one line per run with its kind (`full` | `partial`); under a partial run, what it ran;
 * under a failed run, its failing attempts and errors; with `--attempts`, every attempt. Status colours only on a terminal (padding is applied before colouring).
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
      window: formatWindow(run.start_load_date, run.end_load_date),
      started: formatInstant(run.start_script_execution_time),
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
  const keys = Object.keys(rows[0]!) as (keyof (typeof rows)[number])[];
  const right = new Set(['run', 'duration', 'records']);
  const widths = keys.map((k) => Math.max(k.length, ...rows.map((r) => r[k].length)));
  const pad = (k: string, v: string, w: number) => (right.has(k) ? v.padStart(w) : v.padEnd(w));
  const lines = [
    keys
      .map((k, i) => pad(k, k, widths[i]!))
      .join('  ')
      .trimEnd(),
    widths.map((w) => '-'.repeat(w)).join('  '),
  ];
  runs.forEach((run, index) => {
    const row = rows[index]!;
    lines.push(
      keys
        .map((k, i) => {
          const cell = pad(k, row[k], widths[i]!);
          return k === 'status' ? colourStatus(run.status, cell, colour) : cell;
        })
        .join('  ')
        .trimEnd(),
    );
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
      lines.push(
        `    ${a.task_name} #${a.attempt} ${status} ${seconds}, ${formatCount(Number(a.records))} records` +
          (a.error_message ? ` — ${oneLine(a.error_message)}` : ''),
      );
    }
    if (
      run.error_message &&
      !shown.some((a) => a.error_message && run.error_message!.includes(a.error_message))
    )
      lines.push(`    error: ${oneLine(run.error_message)}`);
  });
  return `${lines.join('\n')}\n`;
}

function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 300 ? `${flat.slice(0, 300)}…` : flat;
}
