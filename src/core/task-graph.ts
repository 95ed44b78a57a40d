import { FactoryError } from './errors.js';
import type { TaskDefinition } from './types.js';

export interface PlannedTask {
  task: TaskDefinition;
  /** Resolved dependencies (explicit `dependsOn`, else the previous task in the factory). */
  dependsOn: string[];
}

/**
 * Validates the factory's task graph and returns the tasks in execution order: topological, and among the
 * tasks that are ready at the same time, factory order (so a factory without dependsOn runs top to bottom).
 */
export function planTasks(project: string, tasks: TaskDefinition[]): PlannedTask[] {
  const names = new Set<string>();
  for (const t of tasks) {
    if (!t.name || typeof t.name !== 'string') {
      throw new FactoryError(project, [], `a task has no name (position ${tasks.indexOf(t) + 1})`);
    }
    if (names.has(t.name)) throw new FactoryError(project, [t.name], `duplicate task name '${t.name}'`);
    names.add(t.name);
  }

  const planned = tasks.map((t, i): PlannedTask => {
    const previous = tasks[i - 1];
    const dependsOn = t.options.dependsOn ?? (previous ? [previous.name] : []);
    for (const dep of dependsOn) {
      if (!names.has(dep)) {
        throw new FactoryError(
          project,
          [t.name, dep],
          `task '${t.name}' depends on unknown task '${dep}'. Tasks: ${[...names].join(', ')}`,
        );
      }
      if (dep === t.name) throw new FactoryError(project, [t.name], `task '${t.name}' depends on itself`);
    }
    return { task: t, dependsOn: [...new Set(dependsOn)] };
  });

  const done = new Set<string>();
  const order: PlannedTask[] = [];
  while (order.length < planned.length) {
    const ready = planned.find((p) => !done.has(p.task.name) && p.dependsOn.every((d) => done.has(d)));
    if (!ready) {
      const cycle = findCycle(planned.filter((p) => !done.has(p.task.name)));
      throw new FactoryError(project, cycle, `dependency cycle: ${cycle.join(' → ')}`);
    }
    done.add(ready.task.name);
    order.push(ready);
  }
  return order;
}

/** Names one cycle among the remaining tasks (every remaining task waits on another remaining one). */
function findCycle(remaining: PlannedTask[]): string[] {
  const byName = new Map(remaining.map((p) => [p.task.name, p]));
  const path: string[] = [];
  let current = remaining[0];
  while (current && !path.includes(current.task.name)) {
    path.push(current.task.name);
    const next = current.dependsOn.find((d) => byName.has(d));
    current = next === undefined ? undefined : byName.get(next);
  }
  if (!current) return path;
  const start = path.indexOf(current.task.name);
  return [...path.slice(start), current.task.name];
}
