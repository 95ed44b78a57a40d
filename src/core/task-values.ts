import { DwhError, EXIT } from './errors.js';
import { jsonProblem } from './json-value.js';
import type { PlannedTask } from './task-graph.js';
import type { NameResolver } from './task-groups.js';
import type { TaskOutcome } from './task-outcome.js';

/**
 * Results between tasks: a task returns (or reports) `{ value }`, a task downstream of it reads it with
 * `ctx.upstream('task')`. The value is JSON (it is stored with the attempt in etl_task_runs.value) and at most
 * MAX_VALUE_BYTES as JSON text: a value that is not is the task's mistake, so its attempt fails, not retried.
 * Only the attempt that succeeds leaves a value: a failed attempt's value is neither stored nor read.
 */

/** The largest value a task may pass downstream, as UTF-8 JSON text. Bigger data belongs in a table. */
export const MAX_VALUE_BYTES = 64 * 1024;

/** Not retried: the same code returns the same value. */
class TaskValueError extends DwhError {
  constructor(message: string) {
    super('USAGE', message, { exitCode: EXIT.runFailed, retryable: false });
  }
}

/** The value as JSON text, or throws naming the task: not JSON, or too big. */
export function checkTaskValue(task: string, value: unknown): string {
  const problem = value === undefined ? 'is undefined' : jsonProblem(value);
  if (problem) throw new TaskValueError(`task '${task}': its value ${problem}; a task's value must be JSON`);
  const text = JSON.stringify(value);
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > MAX_VALUE_BYTES)
    throw new TaskValueError(
      `task '${task}': its value is ${bytes} bytes as JSON, more than the ${MAX_VALUE_BYTES} a value may have; ` +
        'write bigger data to a table and pass its name',
    );
  return text;
}

/** Every task `reader` depends on, directly or through others (full names). */
function upstreamOf(plan: readonly PlannedTask[], reader: string): Set<string> {
  const byName = new Map(plan.map((p) => [p.task.name, p]));
  const found = new Set<string>();
  const todo = [...(byName.get(reader)?.dependsOn ?? [])];
  while (todo.length) {
    const name = todo.pop()!;
    if (found.has(name)) continue;
    found.add(name);
    todo.push(...(byName.get(name)?.dependsOn ?? []));
  }
  return found;
}

/**
 * `ctx.upstream(name)` of task `reader`: the value of a task it depends on (its name looked up as in
 * `dependsOn`: the reader's group first), once that task has succeeded (it has, when the reader runs after
 * it, unless a trigger rule lets the reader run after a failure). Undefined when the task returned no value.
 */
export function upstreamReader(
  plan: readonly PlannedTask[],
  resolver: NameResolver,
  outcomes: ReadonlyMap<string, TaskOutcome>,
  reader: string,
): (name: string) => unknown {
  const planned = plan.find((p) => p.task.name === reader);
  const scope = planned?.group ? planned.group.split('.') : [];
  let upstream: Set<string> | null = null;
  return (name) => {
    const found = resolver.lookup(name, scope);
    const call = `task '${reader}': ctx.upstream('${name}')`;
    if (!found) throw new TaskValueError(`${call}: there is no task '${name}'`);
    if (found.group)
      throw new TaskValueError(`${call}: '${found.name}' is a group, not a task; name one of its tasks`);
    upstream ??= upstreamOf(plan, reader);
    if (!upstream.has(found.name))
      throw new TaskValueError(`${call}: task '${found.name}' is not upstream of task '${reader}'`);
    const outcome = outcomes.get(found.name);
    if (outcome?.status !== 'success')
      throw new TaskValueError(
        `${call}: task '${found.name}' has not succeeded in this run (${outcome?.status ?? 'not selected'})`,
      );
    return outcome.value;
  };
}
