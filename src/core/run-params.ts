import path from 'node:path';
import type { z } from 'zod';
import { ConfigError, UsageError } from './errors.js';
import { jsonProblem } from './json-value.js';
import { nearestName } from './nearest-name.js';
import { isSecretKey } from '../logging/redact.js';

/**
 * Run parameters: `params: z.object({...})` in parameters.ts declares what a run may be given (`dwh run
 * --param name=value`, `runProject({ params })`, `dwh backfill --param`); the task reads the parsed values as
 * `ctx.params`. CLI values are strings: the schema parses them, so numbers and booleans need a coercing schema
 * (`z.coerce.number()`, `z.stringbool()`). Every value, default or given, must survive JSON unchanged: it is
 * stored in etl_runs.parameters.
 */

/** The part of a zod object schema used here; duck-typed, as a project may load its own copy of zod. */
export interface ParamsSchema {
  shape: Record<string, z.ZodType>;
  safeParse(input: unknown): z.ZodSafeParseResult<Record<string, unknown>>;
}

export function isParamsSchema(value: unknown): value is ParamsSchema {
  const candidate = value as Partial<ParamsSchema> | null;
  return (
    typeof candidate === 'object' &&
    candidate !== null &&
    typeof candidate.safeParse === 'function' &&
    typeof candidate.shape === 'object' &&
    candidate.shape !== null
  );
}

/** The typed `ctx.params` of a project: `TaskContext<ParamsOf<typeof parameters>>`. */
export type ParamsOf<Parameters> = Parameters extends { params?: infer Schema }
  ? Schema extends z.ZodType
    ? z.output<Schema>
    : Record<string, never>
  : Record<string, never>;

/**
 * Checked when the project loads: every default of the schema must be JSON, so that what a run records is
 * what its tasks saw (a Date default would come back as a string, a function not at all).
 */
export function checkParamDefaults(schema: ParamsSchema, file: string): void {
  for (const [key, field] of Object.entries(schema.shape)) {
    const parsed = field.safeParse(undefined);
    if (!parsed.success || parsed.data === undefined) continue;
    const problem = jsonProblem(parsed.data);
    if (problem) throw new ConfigError(file, `params.${key}`, parsed.data, `the default ${problem}`);
  }
}

/**
 * The run's parameters: the given values (strings from the CLI, anything from the API) parsed by the schema,
 * defaults filled in. An unknown key or a value the schema rejects is a ConfigError naming the file, the key
 * and the value (exit 2), raised before anything is written.
 */
function resolveRunParams(
  schema: ParamsSchema | undefined,
  given: Readonly<Record<string, unknown>>,
  file: string,
): Record<string, unknown> {
  checkParamNames(schema, given, file);
  if (!schema) return {};
  const parsed = schema.safeParse(given);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const key = issue?.path.map(String).join('.') ?? '';
    const top = issue?.path[0];
    const value = typeof top === 'string' ? given[top] : given;
    // the value of a secret-looking parameter is not repeated on the console
    const shown = typeof top === 'string' && isSecretKey(top) ? '***' : value;
    throw new ConfigError(file, key ? `params.${key}` : 'params', shown, issue?.message ?? 'invalid');
  }
  for (const [key, value] of Object.entries(parsed.data)) {
    const problem = jsonProblem(value);
    if (problem) throw new ConfigError(file, `params.${key}`, given[key], `the parsed value ${problem}`);
  }
  return parsed.data;
}

/** Every given name must be a parameter of the schema: else a ConfigError naming the nearest one. */
export function checkParamNames(
  schema: ParamsSchema | undefined,
  given: Readonly<Record<string, unknown>>,
  file: string,
): void {
  const known = schema ? Object.keys(schema.shape) : [];
  for (const [key, value] of Object.entries(given)) {
    if (known.includes(key)) continue;
    const near = nearestName(key, known);
    const hint = near ? ` (did you mean '${near}'?)` : '';
    const problem = known.length
      ? `unknown run parameter${hint}; known: ${known.join(', ')}`
      : 'unknown run parameter: the project declares no params';
    throw new ConfigError(file, `params.${key}`, value, problem);
  }
}

/** A loaded project's run parameters from the request's values; errors name its parameters.ts. */
export function projectRunParams(
  project: { ref: { dir: string }; parameters: { params?: ParamsSchema | undefined } },
  given: Readonly<Record<string, unknown>> | undefined,
  home: string,
): Record<string, unknown> {
  const file = path.relative(home, path.join(project.ref.dir, 'parameters.ts'));
  return resolveRunParams(project.parameters.params, given ?? {}, file);
}

/** `--param name=value` (repeatable) as a record; a later value of the same key wins. */
export function parseParamOptions(options: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const option of options) {
    const at = option.indexOf('=');
    if (at <= 0) throw new UsageError(`--param: '${option}' is not name=value`);
    out[option.slice(0, at).trim()] = option.slice(at + 1);
  }
  return out;
}
