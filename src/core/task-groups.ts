import { FactoryError, UsageError } from './errors.js';
import { zodProblems } from './option-check.js';
import { groupOptionsSchema } from './task-options.js';
import type { FactoryEntry, GroupOptions, TaskDefinition, TaskGroup } from './types.js';

/**
 * Task groups (Airflow's TaskGroup): `group('dims', [task('customer', …), task('product', …)])` names its
 * tasks `dims.customer` and `dims.product` — the names in etl_task_runs, logs, `--tasks` and the dashboard.
 * Rules:
 * - a name in `dependsOn` (of a task, or of a group) is looked up in the group of the task first, then in
 *   each enclosing group, then at the top level; a full name (`dims.customer`) therefore always works;
 * - a name that is a group means all the tasks of the group (nested groups included);
 * - inside a group, a task without `dependsOn` depends on the previous task or group of the group, like at
 *   the top level; the group's first tasks — those that depend on no other task of the group — also depend
 *   on what the group depends on: its `dependsOn`, else the previous task or group in the factory;
 * - group names and the names of tasks inside groups may not contain a dot.
 */
export function group(name: string, entries: FactoryEntry[], options: GroupOptions = {}): TaskGroup {
  return { kind: 'group', name, entries, options };
}

/** A task of the factory with its place: its full name and the group it is in. */
export interface FlatTask {
  task: TaskDefinition;
  /** Enclosing groups, outermost first: `['dims']` for `dims.customer`. */
  scope: string[];
  /** The full name of the previous task or group beside it, or null when it is the first of its group. */
  previous: string | null;
}

export interface FlatGroup {
  name: string;
  /** The groups that enclose this one. */
  scope: string[];
  options: GroupOptions;
  previous: string | null;
  /** Full names of all its tasks, nested groups included. */
  tasks: string[];
}

/** Walks the declared factory: tasks get their full names, groups are listed innermost first. */
export function flattenFactory(
  project: string,
  entries: readonly FactoryEntry[],
  file?: string,
): { tasks: FlatTask[]; groups: FlatGroup[] } {
  const tasks: FlatTask[] = [];
  const groups: FlatGroup[] = [];
  const fail = (names: string[], message: string) => {
    throw new FactoryError(project, names, message, file);
  };

  const walk = (list: readonly FactoryEntry[], scope: string[]): string[] => {
    const inside: string[] = [];
    let previous: string | null = null;
    list.forEach((entry, i) => {
      const where = scope.length ? `entry ${i + 1} of group '${scope.join('.')}'` : `position ${i + 1}`;
      if (!entry || typeof entry !== 'object' || (entry.kind !== 'task' && entry.kind !== 'group'))
        return fail([], `${where} of the factory is not a task(name, fn, options) or group(name, tasks)`);
      if (!entry.name || typeof entry.name !== 'string') return fail([], `a task has no name (${where})`);
      if (scope.length && entry.name.includes('.'))
        fail([entry.name], `'${entry.name}' in group '${scope.join('.')}': names in a group have no dot`);
      const fullName = [...scope, entry.name].join('.');
      if (entry.kind === 'group') {
        if (entry.name.includes('.')) fail([entry.name], `group '${entry.name}': a group name has no dot`);
        if (!Array.isArray(entry.entries)) fail([], `group '${fullName}' has no list of tasks`);
        checkGroupOptions(project, fullName, entry.options, file);
        const members = walk(entry.entries, [...scope, entry.name]);
        if (members.length === 0) fail([], `group '${fullName}' has no tasks`);
        // pushed after its nested groups: innermost first
        groups.push({ name: fullName, scope, options: entry.options ?? {}, previous, tasks: members });
        inside.push(...members);
      } else {
        if (typeof entry.fn !== 'function')
          fail([fullName], `${where} of the factory is not a task(name, fn, options)`);
        tasks.push({ task: scope.length ? { ...entry, name: fullName } : entry, scope, previous });
        inside.push(fullName);
      }
      previous = fullName;
    });
    return inside;
  };
  walk(entries, []);
  return { tasks, groups };
}

function checkGroupOptions(project: string, name: string, options: unknown, file?: string): void {
  const parsed = groupOptionsSchema.safeParse(options ?? {});
  if (parsed.success) return;
  const problems = zodProblems(parsed.error.issues, options, Object.keys(groupOptionsSchema.shape));
  throw new FactoryError(
    project,
    [],
    `group '${name}': ${problems.map((p) => `options${p.key ? `.${p.key}` : ''}: ${p.problem}`).join('; ')}`,
    file,
  );
}

/** Looks names up the way `dependsOn` does: in the task's group, the enclosing groups, then the top. */
export class NameResolver {
  private readonly groups = new Map<string, string[]>();
  private readonly tasks: ReadonlySet<string>;

  constructor(taskNames: Iterable<string>, groups: Iterable<{ name: string; tasks: string[] }>) {
    this.tasks = new Set(taskNames);
    for (const g of groups) this.groups.set(g.name, g.tasks);
  }

  /** Built from a plan: a task's groups are the prefixes of its `group`. */
  static ofPlan(plan: readonly { task: { name: string }; group: string | null }[]): NameResolver {
    const groups = new Map<string, string[]>();
    for (const { task, group: path } of plan) {
      const parts = path ? path.split('.') : [];
      for (let i = 1; i <= parts.length; i++) {
        const name = parts.slice(0, i).join('.');
        groups.set(name, [...(groups.get(name) ?? []), task.name]);
      }
    }
    return new NameResolver(
      plan.map((p) => p.task.name),
      [...groups].map(([name, tasks]) => ({ name, tasks })),
    );
  }

  /** The full task names `ref` means from inside `scope`, or null when it names nothing. */
  resolve(ref: string, scope: readonly string[] = []): string[] | null {
    return this.lookup(ref, scope)?.tasks ?? null;
  }

  /** What `ref` names from inside `scope`: a task or a group (its full name and tasks), or null. */
  lookup(
    ref: string,
    scope: readonly string[] = [],
  ): { name: string; group: boolean; tasks: string[] } | null {
    for (let depth = scope.length; depth >= 0; depth--) {
      const candidate = [...scope.slice(0, depth), ref].join('.');
      if (this.tasks.has(candidate)) return { name: candidate, group: false, tasks: [candidate] };
      const members = this.groups.get(candidate);
      if (members) return { name: candidate, group: true, tasks: members };
    }
    return null;
  }

  isGroup(name: string): boolean {
    return this.groups.has(name);
  }

  groupNames(): string[] {
    return [...this.groups.keys()];
  }
}

/** The scope (enclosing groups) of a task from its planned group. */
export const scopeOf = (groupPath: string | null): string[] => (groupPath ? groupPath.split('.') : []);

/**
 * The group a task name shows under (the dashboard reads names only): `dims` for `dims.customer`, null for a
 * task outside any group.
 */
export function displayGroupOf(taskName: string): string | null {
  const dot = taskName.lastIndexOf('.');
  return dot > 0 ? taskName.slice(0, dot) : null;
}

/** Items of the same group kept together, each group where its first item is; order otherwise kept. */
export function groupedOrder<T>(items: readonly T[], taskName: (item: T) => string): T[] {
  const buckets = new Map<string, T[]>();
  const order: T[][] = [];
  for (const item of items) {
    const key = displayGroupOf(taskName(item));
    if (key === null) {
      order.push([item]);
      continue;
    }
    let bucket = buckets.get(key);
    if (!bucket) {
      bucket = [];
      buckets.set(key, bucket);
      order.push(bucket);
    }
    bucket.push(item);
  }
  return order.flat();
}

/**
 * `--tasks a,dims`: task names and group names (a group selects all its tasks), full names as in the
 * factory. Unknown names are a usage error listing what exists.
 */
export function selectTasks(
  plan: readonly { task: { name: string }; group: string | null }[],
  names: readonly string[],
  project: string,
): Set<string> {
  const resolver = NameResolver.ofPlan(plan);
  const unknown = names.filter((name) => resolver.resolve(name) === null);
  if (unknown.length) {
    const groups = resolver.groupNames();
    throw new UsageError(
      `--tasks: unknown task(s) ${unknown.join(', ')} in project '${project}'. ` +
        `Tasks: ${plan.map((p) => p.task.name).join(', ')}` +
        (groups.length ? `; groups: ${groups.join(', ')}` : ''),
    );
  }
  return new Set(names.flatMap((name) => resolver.resolve(name)!));
}
