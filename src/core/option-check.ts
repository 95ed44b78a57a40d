import { nearestName } from './nearest-name.js';
import type { TaskFunction } from './types.js';

/**
 * Option checks of helpers bound with `partial(...)`: a helper such as `extractLoad` carries a `checkOptions`
 * function, and the project loader calls it with the bound arguments before any task runs, so a typo in an
 * option is an exit-2 error naming the file, task, key and value instead of a failure at run time.
 *
 * Both live as plain properties on functions (not a class or a Symbol): project files load their own copy of
 * dwh, and the checks must work across the two copies.
 */
export interface OptionCheckContext {
  projectDir: string;
  home: string;
  environment: string;
  /** The raw `connectors:` section of the selected environment. */
  connectors: unknown;
  /** config/dwh.yaml as shown in messages. */
  configFile: string;
}

export interface OptionProblem {
  /** Key path inside the options: `target`, `mapping`, `checks[2].columns`. */
  key: string;
  value: unknown;
  problem: string;
  /** A file other than factory.ts the problem is in (mapping.yaml, validation.yaml, config/dwh.yaml). */
  file?: string;
}

export type OptionChecker = (args: readonly unknown[], context: OptionCheckContext) => OptionProblem[];

interface Bound {
  fn: (...args: never[]) => unknown;
  args: readonly unknown[];
}

/** Attaches a checker to a helper, e.g. `withOptionCheck(extractLoad, checkExtractLoad)`. */
export function withOptionCheck<F extends (...args: never[]) => unknown>(fn: F, check: OptionChecker): F {
  Object.defineProperty(fn, 'checkOptions', { value: check, enumerable: false });
  return fn;
}

/** Marks the function `partial` made with the worker and its bound arguments. */
export function markPartial(bound: TaskFunction<[]>, fn: Bound['fn'], args: readonly unknown[]): void {
  Object.defineProperty(bound, 'partialOf', { value: { fn, args } satisfies Bound, enumerable: false });
}

/**
 * The problems of a task function's options: a checked helper bound by partial, or a checked helper used as
 * the task function itself (`task('validate', runChecks)`, no arguments). None for other functions.
 */
export function checkBoundOptions(taskFn: unknown, context: OptionCheckContext): OptionProblem[] {
  const bound = boundOf(taskFn);
  const check = (bound?.fn as { checkOptions?: unknown } | undefined)?.checkOptions;
  if (!bound || typeof check !== 'function') return [];
  return (check as OptionChecker)(bound.args, context);
}

/** The name of the helper behind a task function, for messages (`extractLoad`). */
export function boundName(taskFn: unknown): string | null {
  return boundOf(taskFn)?.fn.name || null;
}

function boundOf(taskFn: unknown): Bound | null {
  if (typeof taskFn !== 'function') return null;
  const bound = (taskFn as { partialOf?: Bound }).partialOf;
  return bound ?? { fn: taskFn as Bound['fn'], args: [] };
}

/** Turns an error a check caught (a ConfigError of either copy of dwh) into problems. */
export function problemFromError(error: unknown, key: string, value: unknown): OptionProblem {
  const e = (error ?? {}) as { file?: unknown; key?: unknown; value?: unknown; message?: unknown };
  if (typeof e.file === 'string' && typeof e.key === 'string' && typeof e.message === 'string') {
    // ConfigError's message is "<file>: <key>: <problem> (got …)": the parts are shown separately
    const prefix = `${e.file}: ${e.key || '(root)'}: `;
    const message = e.message.startsWith(prefix) ? e.message.slice(prefix.length) : e.message;
    return { file: e.file, key: e.key, value: e.value, problem: message.replace(/ \(got [^]*\)$/, '') };
  }
  return { key, value, problem: typeof e.message === 'string' ? e.message : String(error) };
}

interface ZodIssueLike {
  code: string;
  path: PropertyKey[];
  message: string;
  keys?: string[];
  input?: unknown;
}

/** zod issues of a strict options schema as problems; an unknown key names the nearest known one. */
export function zodProblems(
  issues: readonly ZodIssueLike[],
  input: unknown,
  knownKeys: readonly string[],
): OptionProblem[] {
  return issues.map((issue) => {
    const key = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys' && issue.keys) {
      const named = issue.keys.map((k) => {
        const near = nearestName(k, knownKeys);
        return `'${k}'${near ? ` (did you mean '${near}'?)` : ''}`;
      });
      return { key, value: undefined, problem: `unknown option ${named.join(', ')}` };
    }
    const value = valueAt(input, issue.path);
    if (issue.code === 'invalid_type' && value === undefined) return { key, value, problem: 'is required' };
    return { key, value, problem: issue.message };
  });
}

function valueAt(input: unknown, keyPath: readonly PropertyKey[]): unknown {
  let value = input;
  for (const key of keyPath) {
    value = value && typeof value === 'object' ? (value as Record<PropertyKey, unknown>)[key] : undefined;
  }
  return value;
}
