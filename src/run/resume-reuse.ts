import type { AttemptRow } from '../audit/task-run-store.js';
import { readAttemptReport, type ReusedTask } from '../core/reused-task.js';
import type { PlannedTask } from '../core/task-graph.js';

/** How a task of a resumed run is taken. */
type Taken =
  /** its successful attempt in the chain is reused: it does not run */
  | 'reused'
  /** it was skipped, and the same upstream states and reused branches decide it the same way again */
  | 'skipped'
  /** disabled in the factory: recorded disabled again, counts as a success for the tasks after it */
  | 'disabled'
  /** it runs (or is decided by its trigger rule) again */
  | 'again';

/**
 * The tasks a resumed run reuses: those whose last attempt in the chain (the newest run of the chain that has
 * a row for the task, its last attempt) succeeded — unless a task they depend on runs again: a task that ran
 * after a failure (`all_done`, `one_failed`…) or read an upstream value is run again after the tasks it
 * followed. A task skipped in the chain is not run again when its upstream tasks are all reused, skipped or
 * disabled: the reused branches and short-circuits skip it again, the trigger rules decide it as before. A
 * task that skipped itself (TaskSkipped, a sensor's softFail) runs again, so what follows it is decided again.
 * An attempt recorded without its report (before reports were stored) is not reused.
 *
 * `chain`: the run ids, oldest first; `attempts`: theirs.
 */
export function reusableTasks(
  plan: readonly PlannedTask[],
  selected: ReadonlySet<string> | undefined,
  chain: readonly number[],
  attempts: readonly AttemptRow[],
): Map<string, ReusedTask> {
  const byName = new Map(
    plan.filter((p) => !selected || selected.has(p.task.name)).map((p) => [p.task.name, p]),
  );
  const lastOf = lastAttempts(attempts);
  const last = (task: string): AttemptRow | undefined => {
    for (const runId of [...chain].reverse()) {
      const row = lastOf.get(runId)?.get(task);
      if (row) return row;
    }
    return undefined;
  };
  const reused = new Map<string, ReusedTask>();
  const taken = new Map<string, Taken>();
  const take = (name: string): Taken => {
    const known = taken.get(name);
    if (known) return known;
    const planned = byName.get(name)!;
    let result: Taken = 'again';
    if (planned.task.options.enabled === false) result = 'disabled';
    else if (planned.dependsOn.filter((d) => byName.has(d)).every((d) => take(d) !== 'again')) {
      const row = last(name);
      const earlier = row?.status === 'success' ? reusedAttempt(row, lastOf) : null;
      if (earlier) {
        reused.set(name, earlier);
        result = 'reused';
      } else if (row?.status === 'skipped' && !skippedItself(row)) result = 'skipped';
    }
    taken.set(name, result);
    return result;
  };
  for (const name of byName.keys()) take(name);
  return reused;
}

/**
 * The attempt skipped its task itself (TaskSkipped: its row says so in `reported`, see finishAttempt), rather
 * than the runner deciding the skip; a sensor's row (pokes) from before such rows were marked counts too.
 */
function skippedItself(row: AttemptRow): boolean {
  const reported = row.reported as { skipped?: unknown } | null;
  return (reported !== null && typeof reported === 'object' && 'skipped' in reported) || row.pokes !== null;
}

/** Per run, per task: the task's last attempt. */
function lastAttempts(attempts: readonly AttemptRow[]): Map<number, Map<string, AttemptRow>> {
  const out = new Map<number, Map<string, AttemptRow>>();
  for (const row of attempts) {
    const runId = Number(row.run_id);
    const ofRun = out.get(runId) ?? new Map<string, AttemptRow>();
    const known = ofRun.get(row.task_name);
    if (!known || row.attempt > known.attempt) ofRun.set(row.task_name, row);
    out.set(runId, ofRun);
  }
  return out;
}

/**
 * A successful row as a reused task: the attempt it stands for is its own, or — a row a resumed run wrote for
 * a task it reused — the one of the run it names. Null when that attempt is not at hand or has no report.
 */
function reusedAttempt(
  row: AttemptRow,
  lastOf: ReadonlyMap<number, ReadonlyMap<string, AttemptRow>>,
): ReusedTask | null {
  const fromRun = row.reused_from === null ? Number(row.run_id) : Number(row.reused_from);
  const attempt = row.reused_from === null ? row : lastOf.get(fromRun)?.get(row.task_name);
  if (attempt?.status !== 'success' || attempt.reused_from !== null) return null;
  const report = readAttemptReport(attempt.reported);
  if (!report) return null;
  return { fromRun, records: Number(attempt.records), value: attempt.value, report };
}
