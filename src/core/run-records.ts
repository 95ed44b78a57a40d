import type { PlannedTask } from './task-graph.js';

/** The project's target, as in parameters.target. */
export interface TargetTable {
  schema: string;
  table: string;
}

/** Whether a table name a task reported (`table` or `schema.table`) is the project's target. */
function isTargetTable(name: string, target: TargetTable): boolean {
  const dot = name.lastIndexOf('.');
  return dot === -1
    ? name === target.table
    : name.slice(0, dot) === target.schema && name.slice(dot + 1) === target.table;
}

/** What the run total needs of each task's outcome. */
export interface RecordCounts {
  name: string;
  /** Every record the task reported (etl_task_runs.records). */
  records: number;
  /** Records the task reported with `table`, per table name. */
  byTable: Readonly<Record<string, number>>;
  /** A task a resumed run reused: its records are counted in that earlier run, not here. */
  reusedFrom?: number;
}

/**
 * etl_runs.number_of_records: the records loaded into the project's target, not the sum over every task
 * (staging rows, dimension rows and facts would count the same data several times). In order:
 * 1. the tasks marked `target: true` in the factory: all their records;
 * 2. else the records reported with a `table` that is parameters.target (`report({ records, table })`);
 * 3. else, when no task says what it loaded, the records of every task.
 * Per-task counts stay in etl_task_runs.records. A resumed run counts only the tasks it ran: the rule is chosen
 * over every task (the reused ones included), the records are summed over the tasks that ran in this run, so
 * the runs of a chain add up without counting a task twice.
 */
export function runRecordTotal(
  plan: readonly PlannedTask[],
  outcomes: readonly RecordCounts[],
  target: TargetTable,
): number {
  const ran = outcomes.filter((o) => o.reusedFrom === undefined);
  const marked = new Set(plan.filter((p) => p.task.options.target === true).map((p) => p.task.name));
  if (marked.size) return sum(ran.filter((o) => marked.has(o.name)).map((o) => o.records));
  const forTarget = (of: readonly RecordCounts[]) =>
    of.flatMap((o) =>
      Object.entries(o.byTable)
        .filter(([table]) => isTargetTable(table, target))
        .map(([, records]) => records),
    );
  if (forTarget(outcomes).length) return sum(forTarget(ran));
  return sum(ran.map((o) => o.records));
}

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
