import { leftUndone, type TaskOutcome } from '../core/task-outcome.js';

/**
 * What a run executed. `full`: every task of the factory had its turn (ran, failed, was blocked by a failure,
 * or is disabled: `enabled: false` is part of the factory's definition), and no task was skipped unless the
 * skip was declared "nothing to do" (see leftUndone in core/task-outcome.ts). `partial`: `--tasks` left tasks
 * out, a task never had its turn, or a task was skipped by a branch or short-circuit that did not declare it.
 * Only a full, successful run is the base of the next incremental window, so a partial run never moves the
 * watermark.
 */
export type RunKind = 'full' | 'partial';

export interface RunScope {
  kind: RunKind;
  /** The `--tasks` selection in factory order; null when the run was not limited. */
  selectedTasks: string[] | null;
}

/** Before the run: a selection that leaves out any task of the factory makes the run partial. */
export function plannedScope(factoryTasks: readonly string[], selected?: ReadonlySet<string>): RunScope {
  if (!selected) return { kind: 'full', selectedTasks: null };
  const selectedTasks = factoryTasks.filter((name) => selected.has(name));
  return {
    kind: selectedTasks.length === factoryTasks.length ? 'full' : 'partial',
    selectedTasks,
  };
}

/** After the run: a planned-full run stays full only if no task of the factory was left without its turn. */
export function finalKind(
  scope: RunScope,
  factoryTasks: readonly string[],
  outcomes: readonly Pick<TaskOutcome, 'name' | 'status' | 'skip'>[],
): RunKind {
  if (scope.kind === 'partial') return 'partial';
  const byName = new Map(outcomes.map((o) => [o.name, o]));
  return factoryTasks.every((name) => {
    const outcome = byName.get(name);
    return outcome !== undefined && !leftUndone(outcome);
  })
    ? 'full'
    : 'partial';
}
