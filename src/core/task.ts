import { markPartial } from './option-check.js';
import type { Factory, FactoryEntry, TaskDefinition, TaskFunction, TaskOptions } from './types.js';

/** Declares one task of a factory. */
export function task(name: string, fn: TaskFunction<[]>, options: TaskOptions = {}): TaskDefinition {
  return { kind: 'task', name, fn, options };
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
  return bound;
}

/**
 * `export default defineFactory([...tasks])` in a project's factory.ts: tasks and `group(...)`s in factory
 * order. Validated when the project loads.
 */
export function defineFactory(tasks: FactoryEntry[]): Factory {
  return { kind: 'factory', tasks };
}
