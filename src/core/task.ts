import { markPartial } from './option-check.js';
import type {
  Factory,
  FactoryEntry,
  TaskContext,
  TaskDefinition,
  TaskFunction,
  TaskOptions,
} from './types.js';

/**
 * Declares one task of a factory. The function may type its context's params
 * (`(ctx: TaskContext<ParamsOf<typeof parameters>>) => …`); the run validated them against that schema.
 */
export function task<Params extends object = Record<string, unknown>>(
  name: string,
  fn: (ctx: TaskContext<Params>) => ReturnType<TaskFunction<[]>>,
  options: TaskOptions = {},
): TaskDefinition {
  return { kind: 'task', name, fn: fn as TaskFunction<[]>, options };
}

/**
 * Binds arguments to a worker function: `partial(loadTable, { table: 'orders' })` is a task function that
 * calls `loadTable(ctx, { table: 'orders' })`. The bound function keeps a readable name for logs.
 */
export function partial<Args extends unknown[]>(fn: TaskFunction<Args>, ...args: Args): TaskFunction<[]> {
  const bound: TaskFunction<[]> = (ctx) => fn(ctx, ...args);
  Object.defineProperty(bound, 'name', { value: `partial(${fn.name || 'anonymous'})` });
  // the project loader checks the bound options of helpers that declare a checker (core/option-check.ts)
  markPartial(bound, fn, args);
  const kind = taskKindOf(fn);
  if (kind) markTaskKind(bound, kind);
  return bound;
}

/**
 * A worker that makes a task of a special kind: `runChecks` makes `checks` tasks (read by `dwh dq`), the
 * sensors make `sensor` tasks (shown in the plan of a dry run).
 */
export type TaskKind = 'checks' | 'sensor';

/**
 * Symbol.for, not a module's own Symbol: project files load their own copy of dwh, and the kind one copy marks
 * must be read by the other.
 */
const TASK_KIND = Symbol.for('dwh.task-kind');

/** Marks a worker with the kind of task it makes; `partial` keeps the mark on the functions it binds. */
export function markTaskKind(fn: (...args: never[]) => unknown, kind: TaskKind): void {
  Object.defineProperty(fn, TASK_KIND, { value: kind, enumerable: false });
}

/** The kind a task function was marked with, if any. */
export function taskKindOf(fn: unknown): TaskKind | null {
  if (typeof fn !== 'function') return null;
  const kind = (fn as { [TASK_KIND]?: unknown })[TASK_KIND];
  return kind === 'checks' || kind === 'sensor' ? kind : null;
}

/**
 * `export default defineFactory([...tasks])` in a project's factory.ts: tasks and `group(...)`s in factory
 * order. Validated when the project loads.
 */
export function defineFactory(tasks: FactoryEntry[]): Factory {
  return { kind: 'factory', tasks };
}
