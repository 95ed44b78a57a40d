import { latestSuccessfulRecords, listRunRecordsBefore, resumedRunsRecords } from '../audit/run-store.js';
import { successfulAttemptRecords } from '../audit/task-run-store.js';
import { plural, requireTables } from './evaluate.js';
import { column, SqlValues, tableRef } from './sql-parts.js';
import type { Sql } from '../db/sql.js';
import { CheckCannotRunError, type CheckScope, type Evaluation, type VolumeAnomalyCheck } from './types.js';

const DEFAULTS = { lookback: 10, k: 3, minHistory: 3 };

interface Stats {
  current: number | null;
  points: number;
  mean: number | null;
  stddev: number | null;
  history: Record<string, unknown>[];
}

/** Rows per UTC day for `day` and the `lookback` days before it, days without rows counted as 0. */
function dailyVolumeSql(table: string, timeColumn: string, day: string, lookback: number): Sql {
  const values = new SqlValues();
  const d = values.add(day);
  const n = values.add(lookback);
  const col = column(timeColumn);
  return {
    text:
      `with series as (select g::date as day from generate_series(${d}::date - ${n}::int, ${d}::date, interval '1 day') as g), ` +
      `daily as (select ${col}::date as day, count(*)::float8 as n from ${tableRef(table)} ` +
      `where ${col} >= (${d}::date - ${n}::int) and ${col} < (${d}::date + 1) group by 1) ` +
      `select series.day::text as day, coalesce(daily.n, 0) as records from series ` +
      `left join daily on daily.day = series.day order by series.day desc`,
    values: values.values,
  };
}

function stats(current: number | null, history: number[]): Omit<Stats, 'history'> {
  const points = history.length;
  if (points === 0) return { current, points, mean: null, stddev: null };
  const mean = history.reduce((a, b) => a + b, 0) / points;
  const stddev =
    points > 1 ? Math.sqrt(history.reduce((a, b) => a + (b - mean) ** 2, 0) / (points - 1)) : null;
  return { current, points, mean, stddev };
}

async function fromRuns(check: VolumeAnomalyCheck, scope: CheckScope, lookback: number): Promise<Stats> {
  const project = check.project ?? scope.project;
  const audit = { query: scope.query };
  let runId: number;
  let current: number;
  if (scope.runId !== null && project === scope.project) {
    // the run is still going: its records so far are those of its successful task attempts, and for a
    // resumed run those of the runs it resumed (its reused tasks loaded them)
    runId = scope.runId;
    current =
      (await successfulAttemptRecords(audit, scope.runId)) + (await resumedRunsRecords(audit, scope.runId));
  } else {
    const row = await latestSuccessfulRecords(audit, project);
    if (!row) throw new CheckCannotRunError(`project ${project} has no successful run yet`);
    runId = Number(row.run_id);
    current = Number(row.number_of_records);
  }
  const history = await listRunRecordsBefore(audit, project, runId, lookback);
  return {
    ...stats(
      current,
      history.map((h) => h.records),
    ),
    history,
  };
}

async function fromTable(
  check: VolumeAnomalyCheck & { table: string; column: string },
  scope: CheckScope,
  lookback: number,
): Promise<Stats> {
  await requireTables(scope, [check.table]);
  const lastDay = new Date(scope.window.end.getTime() - 1).toISOString().slice(0, 10);
  const query = dailyVolumeSql(check.table, check.column, lastDay, lookback);
  const rows = await scope.query<{ day: string; records: number }>(query.text, query.values);
  const [today, ...history] = rows;
  return {
    ...stats(
      today?.records ?? null,
      history.map((h) => h.records),
    ),
    history,
  };
}

export async function evaluateVolumeAnomaly(
  check: VolumeAnomalyCheck,
  scope: CheckScope,
): Promise<Evaluation> {
  const lookback = check.lookback ?? DEFAULTS.lookback;
  const k = check.k ?? DEFAULTS.k;
  const minHistory = check.minHistory ?? DEFAULTS.minHistory;
  const what = check.table ? `${check.table} rows per day` : `records of ${check.project ?? scope.project}`;
  const s =
    check.table && check.column
      ? await fromTable({ ...check, table: check.table, column: check.column }, scope, lookback)
      : await fromRuns(check, scope, lookback);
  if (s.points < minHistory || s.mean === null || s.stddev === null || s.current === null) {
    return {
      verdict: 'pass',
      observed: s.current,
      threshold: null,
      failingRows: null,
      sample: null,
      message: `${what}: only ${plural(s.points, 'earlier value')} (needs ${minHistory}); not judged`,
    };
  }
  const low = s.mean - k * s.stddev;
  const high = s.mean + k * s.stddev;
  const round = (x: number) => Math.round(x * 100) / 100;
  const outside = s.current < low || s.current > high;
  return {
    verdict: outside ? 'fail' : 'pass',
    observed: s.current,
    threshold: `mean ${round(s.mean)} ± ${k}×${round(s.stddev)} = [${round(low)}, ${round(high)}]`,
    failingRows: null,
    sample: outside ? s.history.slice(0, 10) : null,
    message: `${what}: ${s.current} ${outside ? 'outside' : 'within'} [${round(low)}, ${round(high)}] (last ${s.points})`,
  };
}
