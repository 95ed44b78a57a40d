import { FactoryError } from './errors.js';
import { NameResolver, flattenFactory } from './task-groups.js';
import type { FactoryEntry, TaskDefinition } from './types.js';

export interface PlannedTask {
  /** The task, with its full name (`dims.customer` inside group `dims`). */
  task: TaskDefinition;
  /** Resolved dependencies, full names (explicit `dependsOn`, else the previous task or group). */
  dependsOn: string[];
  /** The group the task is in (`dims`, `dims.scd` when nested), or null. */
  group: string | null;
  /** Its place in the factory as declared: ready tasks start in this order. */
  position: number;
}

/**
 * Validates the factory's task graph and returns the tasks in execution order: topological, and among the
 * tasks that are ready at the same time, factory order (so a factory without dependsOn runs top to bottom).
 * Groups are resolved here (see task-groups.ts); `file` names the factory in messages.
 */
export function planTasks(project: string, entries: readonly FactoryEntry[], file?: string): PlannedTask[] {
  const fail = (tasks: string[], message: string): never => {
    throw new FactoryError(project, tasks, message, file);
  };
  const { tasks, groups } = flattenFactory(project, entries, file);
  const names = new Set<string>();
  for (const { task } of tasks) {
    if (names.has(task.name)) fail([task.name], `duplicate task name '${task.name}'`);
    names.add(task.name);
  }
  for (const g of groups) {
    if (names.has(g.name)) fail([g.name], `group '${g.name}' has the name of a task`);
  }
  const resolver = new NameResolver(names, groups);
  const known = () => [...names, ...groups.map((g) => `${g.name} (group)`)].join(', ');
  const resolveAll = (refs: readonly string[], scope: string[], who: string): string[] =>
    refs.flatMap((ref) => {
      if (typeof ref !== 'string' || ref === '') return fail([who], `${who} has an empty dependsOn name`);
      return (
        resolver.resolve(ref, scope) ??
        fail([who, ref], `${who} depends on unknown task '${ref}'. Tasks: ${known()}`)
      );
    });

  const dependsOn = new Map<string, string[]>();
  for (const { task, scope, previous } of tasks) {
    const who = `task '${task.name}'`;
    const explicit = task.options.dependsOn;
    const deps = explicit
      ? resolveAll(explicit, scope, who)
      : previous === null
        ? []
        : (resolver.resolve(previous) ?? []);
    if (deps.includes(task.name)) {
      const via = (explicit ?? [])
        .map((ref) => resolver.lookup(ref, scope))
        .find((found) => found?.group && found.tasks.includes(task.name));
      fail([task.name], `${who} depends on itself${via ? ` (through group '${via.name}')` : ''}`);
    }
    dependsOn.set(task.name, deps);
  }
  // innermost groups first: a nested group's first tasks then depend on a task of the outer group
  for (const g of groups) {
    const who = `group '${g.name}'`;
    const upstream = g.options.dependsOn
      ? resolveAll(g.options.dependsOn, g.scope, who)
      : g.previous === null
        ? []
        : (resolver.resolve(g.previous) ?? []);
    const own = upstream.filter((name) => g.tasks.includes(name));
    if (own.length) fail([g.name, ...own], `${who} depends on its own task(s) ${own.join(', ')}`);
    const members = new Set(g.tasks);
    for (const name of g.tasks) {
      const deps = dependsOn.get(name)!;
      if (!deps.some((d) => members.has(d))) dependsOn.set(name, [...deps, ...upstream]);
    }
  }

  const planned = tasks.map(({ task, scope }, position): PlannedTask => ({
    task,
    dependsOn: [...new Set(dependsOn.get(task.name))],
    group: scope.length ? scope.join('.') : null,
    position,
  }));

  const done = new Set<string>();
  const order: PlannedTask[] = [];
  while (order.length < planned.length) {
    const ready = planned.find((p) => !done.has(p.task.name) && p.dependsOn.every((d) => done.has(d)));
    if (!ready) {
      const cycle = findCycle(planned.filter((p) => !done.has(p.task.name)));
      const through = [
        ...new Set(cycle.flatMap((name) => planned.find((p) => p.task.name === name)?.group ?? [])),
      ];
      const note = through.length ? ` (through group ${through.map((g) => `'${g}'`).join(', ')})` : '';
      fail(cycle, `dependency cycle: ${cycle.join(' → ')}${note}`);
    }
    done.add(ready!.task.name);
    order.push(ready!);
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
