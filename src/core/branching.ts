import { DwhError, EXIT, describeValue } from './errors.js';
import { zodProblems, type OptionProblem } from './option-check.js';
import { NameResolver, scopeOf } from './task-groups.js';
import type { PlannedTask } from './task-graph.js';
import { branchSpecSchema } from './task-options.js';
import type { BranchSpec, TaskContext, TaskDefinition, TaskFunction, TaskOptions } from './types.js';

/**
 * Branching (Airflow's BranchPythonOperator): the function of `branch(name, fn)` returns the name — or a list
 * of names, `[]` for none — of the direct downstream tasks to follow; every other direct downstream task is
 * `skipped`, whatever its trigger rule, and the skip propagates through the trigger rules of the tasks after
 * it (a join after the branches wants `none_failed_min_one_success`). A returned name is looked up like a
 * dependsOn name; a group means its tasks that are direct downstream of the branch. A name that is not a
 * direct downstream task fails the branch task (not retried); `choices` lets the project load check the
 * names beforehand.
 *
 * Watermark: the skipped tasks make the run partial, unless the branch declares `nothingToDo: true` — the
 * paths not followed have nothing to do for this window (e.g. a weekly path on a weekday).
 */
export type BranchFunction = (ctx: TaskContext) => Promise<string | string[]> | string | string[];

export type BranchOptions = TaskOptions & BranchSpec;

export function branch(name: string, fn: BranchFunction, options: BranchOptions = {}): TaskDefinition {
  const { choices, nothingToDo, ...taskOptions } = options;
  const spec: BranchSpec = {
    ...(choices === undefined ? {} : { choices }),
    ...(nothingToDo === undefined ? {} : { nothingToDo }),
  };
  // the runner reads the return value of a branch as names (see followedTasks), not as a TaskResult
  return { kind: 'task', name, fn: fn as unknown as TaskFunction<[]>, options: taskOptions, branch: spec };
}

/** A branch returned something it may not follow: the task fails, and is not retried. */
class BranchError extends DwhError {
  constructor(
    readonly task: string,
    message: string,
  ) {
    super('FACTORY', `branch '${task}' ${message}`, { exitCode: EXIT.runFailed, retryable: false });
  }
}

/** The direct downstream tasks of each task: those that list it in their resolved dependencies. */
export function directDownstream(plan: readonly PlannedTask[]): Map<string, string[]> {
  const downstream = new Map<string, string[]>(plan.map((p) => [p.task.name, []]));
  for (const p of plan) for (const dep of p.dependsOn) downstream.get(dep)?.push(p.task.name);
  return downstream;
}

/**
 * The direct downstream tasks a branch follows, from what its function returned; throws BranchError for a
 * value that is not a list of names, a name outside the declared `choices`, or one that is not downstream.
 */
export function followedTasks(
  planned: PlannedTask,
  returned: unknown,
  downstream: readonly string[],
  resolver: NameResolver,
): string[] {
  const name = planned.task.name;
  const list = typeof returned === 'string' ? [returned] : returned;
  if (!Array.isArray(list) || list.some((item) => typeof item !== 'string' || item === '')) {
    throw new BranchError(
      name,
      `returned ${describeValue(returned)}; it must return the name(s) of the direct downstream tasks to ` +
        `follow, or [] to follow none (direct downstream: ${downstream.join(', ') || 'none'})`,
    );
  }
  const choices = planned.task.branch?.choices;
  const followed = new Set<string>();
  for (const item of list as string[]) {
    if (choices && !choices.includes(item)) {
      throw new BranchError(
        name,
        `returned '${item}', which is not one of its choices: ${choices.join(', ')}`,
      );
    }
    const meant = meantDownstream(item, planned, downstream, resolver);
    if (meant.length === 0)
      throw new BranchError(
        name,
        `returned '${item}', which ${problemText(item, planned, downstream, resolver)}`,
      );
    for (const task of meant) followed.add(task);
  }
  return [...followed];
}

/** The direct downstream tasks `item` means (empty when it means none). */
function meantDownstream(
  item: string,
  planned: PlannedTask,
  downstream: readonly string[],
  resolver: NameResolver,
): string[] {
  const found = resolver.lookup(item, scopeOf(planned.group));
  return found ? found.tasks.filter((task) => downstream.includes(task)) : [];
}

function problemText(
  item: string,
  planned: PlannedTask,
  downstream: readonly string[],
  resolver: NameResolver,
): string {
  const list = downstream.join(', ') || 'none';
  return resolver.lookup(item, scopeOf(planned.group))
    ? `is not a direct downstream task of this branch (direct downstream: ${list})`
    : `is not a task or group of the factory (direct downstream: ${list})`;
}

/** Load-time checks of every branch: its options, and that each declared choice is a direct downstream. */
export function branchProblems(plan: readonly PlannedTask[]): { task: string; problem: OptionProblem }[] {
  const problems: { task: string; problem: OptionProblem }[] = [];
  const downstream = directDownstream(plan);
  const resolver = NameResolver.ofPlan(plan);
  for (const planned of plan) {
    const spec = planned.task.branch;
    if (spec === undefined) continue;
    const parsed = branchSpecSchema.safeParse(spec);
    if (!parsed.success) {
      for (const p of zodProblems(parsed.error.issues, spec, Object.keys(branchSpecSchema.shape)))
        problems.push({ task: planned.task.name, problem: { ...p, key: `options.${p.key}` } });
      continue;
    }
    const direct = downstream.get(planned.task.name) ?? [];
    for (const [i, choice] of (spec.choices ?? []).entries()) {
      if (meantDownstream(choice, planned, direct, resolver).length) continue;
      problems.push({
        task: planned.task.name,
        problem: {
          key: `options.choices.${i}`,
          value: choice,
          problem: `'${choice}' ${problemText(choice, planned, direct, resolver)}`,
        },
      });
    }
  }
  return problems;
}
