import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { ConfigError } from '../core/errors.js';
import { zodToConfigError } from '../core/zod-error.js';
import { castTypes, type CastType } from './casts.js';

const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);

const columnSchema = z
  .object({
    /** Source column read. (Default: the target column's own name) */
    from: z.string().min(1).optional(),
    /** Cast applied to the value. (Default: text, values passed as they are) */
    type: z.enum(castTypes as [CastType, ...CastType[]]).optional(),
    /** Used when the value is missing, null or empty. (Default: null) */
    default: scalar.optional(),
    /** Strip surrounding whitespace. (Default: the mapping's `trim`) */
    trim: z.boolean().optional(),
    /** Derived: `"{first_name} {last_name}"` with source columns in braces. */
    template: z.string().optional(),
    /** Derived: the name of a function passed in `functions` (e.g. exported by worker.ts), called with the source row. */
    fn: z.string().optional(),
  })
  .strict()
  .refine((c) => [c.from, c.template, c.fn].filter((v) => v !== undefined).length <= 1, {
    message: 'use only one of from, template, fn',
  });

const filterOps = ['=', '!=', '>', '>=', '<', '<=', 'in', 'not in', 'is null', 'is not null'] as const;
export type FilterOp = (typeof filterOps)[number];

const filterSchema = z.union([
  z.object({ column: z.string(), op: z.enum(filterOps), value: z.unknown().optional() }).strict(),
  z.object({ fn: z.string() }).strict(),
]);

const mappingSchema = z
  .object({
    /** Target column → how it is made. A string is a type: `id: int` reads `id` and casts it to int. */
    columns: z.record(z.string(), z.union([z.enum(castTypes as [CastType, ...CastType[]]), columnSchema])),
    /** Trim every text value. (Default: false) */
    trim: z.boolean().default(false),
    /** Rows are kept only when every filter holds; filters see the transformed values. (Default: none) */
    filter: z.array(filterSchema).default([]),
    /** Target column whose min/max are reported as the run's data_min_date / data_max_date. (Default: none) */
    dateColumn: z.string().optional(),
    /**
     * How an empty unquoted CSV field is read: `null`, as COPY reads it on the pass-through path, or `empty`,
     * an empty string. A quoted `""` is an empty string either way. (Default: null)
     */
    emptyField: z.enum(['null', 'empty']).default('null'),
    /** `fail`: stop at the first bad row; `reject`: write bad rows to <ts>_rejects.csv and go on. (Default: fail) */
    onError: z.enum(['fail', 'reject']).default('fail'),
  })
  .strict();

export type MappingInput = z.input<typeof mappingSchema>;
export type Mapping = z.output<typeof mappingSchema> & { name: string };
export type MappingColumn = z.output<typeof columnSchema>;
export type MappingFilter = z.output<typeof filterSchema>;

/** A mapping given inline (in factory.ts), validated like one read from mapping.yaml. */
export function defineMapping(name: string, input: MappingInput, file = `mapping '${name}'`): Mapping {
  const parsed = mappingSchema.safeParse(input);
  if (!parsed.success) throw zodToConfigError(file, parsed.error, input);
  const mapping = { ...parsed.data, name };
  if (mapping.dateColumn && !(mapping.dateColumn in mapping.columns)) {
    throw new ConfigError(file, 'dateColumn', mapping.dateColumn, 'is not one of the mapped columns');
  }
  return mapping;
}

/** Reads mapping `name` from `<project>/metadata/mapping.yaml` (top-level keys are mapping names). */
export function loadMapping(projectDir: string, name: string): Mapping {
  const file = path.join(projectDir, 'metadata', 'mapping.yaml');
  const shown = path.join(path.basename(projectDir), 'metadata', 'mapping.yaml');
  if (!existsSync(file)) throw new ConfigError(shown, name, undefined, 'file not found');
  const doc = parseDocument(readFileSync(file, 'utf8'));
  const first = doc.errors[0];
  if (first) {
    throw new ConfigError(
      shown,
      `line ${first.linePos?.[0].line ?? '?'}`,
      undefined,
      `invalid YAML: ${first.message}`,
    );
  }
  const all = (doc.toJS() ?? {}) as Record<string, unknown>;
  const raw = all[name];
  if (raw === undefined) {
    throw new ConfigError(
      shown,
      name,
      undefined,
      `no such mapping; mappings: ${Object.keys(all).join(', ') || '(none)'}`,
    );
  }
  // validated under its name so the error's key path reads `orders.columns.amount.type`
  const parsed = z.object({ [name]: mappingSchema }).safeParse({ [name]: raw });
  if (!parsed.success) throw zodToConfigError(shown, parsed.error, { [name]: raw });
  return defineMapping(name, raw as MappingInput, shown);
}
