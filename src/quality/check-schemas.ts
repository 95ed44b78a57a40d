import { z } from 'zod';
import type { CheckKind } from '../core/check-result.js';
import type { Check, CountSource } from './types.js';

/**
 * One zod schema per check kind: the constructors (`notNull({...})`) and metadata/validation.yaml validate
 * through the same schemas, so a bad check fails when the project loads, naming the key and the value.
 */
const name = z
  .string()
  .regex(
    /^[A-Za-z_][A-Za-z0-9_$]*(\.[A-Za-z_][A-Za-z0-9_$]*)?$/,
    'must be a table name like orders or sales.orders',
  );
const columnName = z.string().min(1, 'must be a column name');
const duration = z.union([
  z.number().positive(),
  z.string().regex(/^\d+(\.\d+)?\s*(m|h|d)$/, "must be a duration like '30m', '36h' or '2d'"),
]);
const bound = z.union([z.number(), z.string().min(1)]);

const common = {
  name: z.string().min(1).optional(),
  severity: z.enum(['warn', 'error']).optional(),
  blocking: z.boolean().optional(),
  after: z.string().min(1).optional(),
  where: z.string().optional(),
};
const commonWithoutWhere = {
  name: common.name,
  severity: common.severity,
  blocking: common.blocking,
  after: common.after,
};

const windowSpec = z.union([
  z.enum(['run', 'all']),
  z.object({ project: z.string().min(1) }).strict(),
  z.object({ from: z.union([z.string(), z.date()]), to: z.union([z.string(), z.date()]) }).strict(),
  z.object({ lastDays: z.number().int().positive() }).strict(),
]);

const countSource: z.ZodType<CountSource> = z.union([
  z
    .object({
      table: name,
      timeColumn: columnName.optional(),
      count: z.string().min(1).optional(),
      where: z.string().optional(),
    })
    .strict(),
  z.object({ sql: z.string().min(1) }).strict(),
  z
    .object({
      fn: z.custom<(window: { start: Date; end: Date } | null) => Promise<number> | number>(
        (value) => typeof value === 'function',
        'must be a function returning a count',
      ),
    })
    .strict(),
]);

const checkSchemas = {
  not_null: z
    .object({ ...common, kind: z.literal('not_null'), table: name, columns: z.array(columnName).min(1) })
    .strict(),
  unique: z
    .object({ ...common, kind: z.literal('unique'), table: name, columns: z.array(columnName).min(1) })
    .strict(),
  accepted_values: z
    .object({
      ...common,
      kind: z.literal('accepted_values'),
      table: name,
      column: columnName,
      values: z.array(z.union([z.string(), z.number(), z.boolean()])).min(1),
    })
    .strict(),
  range: z
    .object({
      ...common,
      kind: z.literal('range'),
      table: name,
      column: columnName,
      min: bound.optional(),
      max: bound.optional(),
    })
    .strict()
    .refine((c) => c.min !== undefined || c.max !== undefined, 'needs min, max or both'),
  relationships: z
    .object({
      ...common,
      kind: z.literal('relationships'),
      table: name,
      column: columnName,
      parent: z.object({ table: name, column: columnName }).strict(),
    })
    .strict(),
  row_count: z
    .object({
      ...common,
      kind: z.literal('row_count'),
      table: name,
      min: z.number().int().min(0).optional(),
      max: z.number().int().min(0).optional(),
    })
    .strict()
    .refine((c) => c.min !== undefined || c.max !== undefined, 'needs min, max or both'),
  record_discrepancy: z
    .object({
      ...commonWithoutWhere,
      kind: z.literal('record_discrepancy'),
      source: countSource,
      target: countSource,
      tolerance: z.number().min(0).optional(),
      tolerancePercent: z.number().min(0).optional(),
      window: windowSpec.optional(),
    })
    .strict(),
  freshness: z
    .object({
      ...common,
      kind: z.literal('freshness'),
      table: name,
      column: columnName,
      warnAfter: duration.optional(),
      errorAfter: duration.optional(),
    })
    .strict()
    .refine(
      (c) => c.warnAfter !== undefined || c.errorAfter !== undefined,
      'needs warnAfter, errorAfter or both',
    ),
  stale_projects: z
    .object({
      ...commonWithoutWhere,
      kind: z.literal('stale_projects'),
      projects: z.array(z.string().min(1)).optional(),
      exclude: z.array(z.string().min(1)).optional(),
      graceMinutes: z.number().min(0).optional(),
    })
    .strict(),
  schema_drift: z
    .object({
      ...commonWithoutWhere,
      kind: z.literal('schema_drift'),
      file: z.string().min(1).optional(),
      tables: z.array(name).optional(),
    })
    .strict(),
  gaps: z
    .object({
      ...common,
      kind: z.literal('gaps'),
      table: name,
      column: columnName,
      window: windowSpec.optional(),
    })
    .strict(),
  volume_anomaly: z
    .object({
      ...commonWithoutWhere,
      kind: z.literal('volume_anomaly'),
      table: name.optional(),
      column: columnName.optional(),
      project: z.string().min(1).optional(),
      lookback: z.number().int().min(2).optional(),
      k: z.number().positive().optional(),
      minHistory: z.number().int().min(2).optional(),
    })
    .strict()
    .refine((c) => (c.table === undefined) === (c.column === undefined), 'table and column go together')
    .refine((c) => !(c.table && c.project), 'project is for the etl_runs mode; leave it out with table'),
  expression: z
    .object({
      ...common,
      kind: z.literal('expression'),
      name: z.string().min(1),
      sql: z.string().min(1),
      table: name.optional(),
    })
    .strict(),
} satisfies Record<CheckKind, z.ZodType>;

export const checkKinds = Object.keys(checkSchemas) as CheckKind[];

export function isCheckKind(value: unknown): value is CheckKind {
  return typeof value === 'string' && value in checkSchemas;
}

/** Parses one check; zod's first issue is returned for the caller to name the file or function. */
export function parseCheck(
  input: Record<string, unknown> & { kind: CheckKind },
): z.ZodSafeParseResult<Check> {
  return checkSchemas[input.kind].safeParse(input);
}

/** The first zod issue as key path, the value found there and the problem, for a ConfigError. */
export function firstIssue(
  error: z.ZodError,
  input: unknown,
): { key: string; value: unknown; problem: string } {
  const issue = error.issues[0];
  if (!issue) return { key: '', value: input, problem: 'invalid' };
  let value: unknown = input;
  for (const part of issue.path)
    value = value && typeof value === 'object' ? (value as Record<PropertyKey, unknown>)[part] : undefined;
  const problem =
    issue.code === 'unrecognized_keys'
      ? `unknown key(s) ${issue.keys.map((k) => `'${k}'`).join(', ')}`
      : issue.message;
  return { key: issue.path.map(String).join('.'), value, problem };
}
