import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { ConfigError } from '../core/errors.js';
import { zodToConfigError } from '../core/zod-error.js';
import { plural } from './evaluate.js';
import { tableRef } from './sql-parts.js';
import type { Sql } from '../db/sql.js';
import { CheckCannotRunError, type CheckScope, type Evaluation, type SchemaDriftCheck } from './types.js';

/**
 * metadata/schema.yaml: the columns each table is expected to have, with PostgreSQL types as written in DDL
 * (`integer`, `int`, `varchar(20)`, `numeric(12,2)`, `timestamptz` …).
 * ```yaml
 * tables:
 *   demo_daily_sales:
 *     columns: { day: date, store: text, revenue: numeric(12,2) }
 * ```
 */
const schemaFileSchema = z
  .object({
    tables: z.record(
      z.string().regex(/^[A-Za-z_][A-Za-z0-9_$]*(\.[A-Za-z_][A-Za-z0-9_$]*)?$/, 'must be a table name'),
      z.object({ columns: z.record(z.string().min(1), z.string().min(1)) }).strict(),
    ),
  })
  .strict();

type ExpectedSchema = z.output<typeof schemaFileSchema>;

function loadSchemaFile(projectDir: string, relative: string): ExpectedSchema {
  const file = path.resolve(projectDir, relative);
  if (!existsSync(file)) throw new CheckCannotRunError(`${relative} does not exist`);
  const doc = parseDocument(readFileSync(file, 'utf8'));
  const first = doc.errors[0];
  if (first) {
    const line = first.linePos?.[0].line;
    throw new ConfigError(relative, line ? `line ${line}` : '', undefined, `invalid YAML: ${first.message}`);
  }
  const raw: unknown = doc.toJS();
  const parsed = schemaFileSchema.safeParse(raw);
  if (!parsed.success) throw zodToConfigError(relative, parsed.error, raw);
  return parsed.data;
}

/**
 * Columns of one table that differ from the expectation: `new` (live only), `missing` (expected only) or
 * `changed_type`. Types are compared by their canonical name (`int` = `integer`); modifiers such as `(20)` or
 * `(12,2)` only when the expectation gives them. A missing table shows every column as missing.
 */
function schemaDriftSql(table: string, columns: Record<string, string>): Sql {
  const names = Object.keys(columns);
  const base = (type: string) => `format_type(to_regtype(regexp_replace(${type}, '\\(.*\\)', '')), null)`;
  const modifiers = (type: string) => `replace(substring(${type} from '\\(([^)]*)\\)'), ' ', '')`;
  return {
    text:
      `with expected as (select * from unnest($1::text[], $2::text[]) as e(column_name, expected_type)), ` +
      `live as (select a.attname::text as column_name, format_type(a.atttypid, a.atttypmod) as actual_type, ` +
      `format_type(a.atttypid, null) as actual_base from pg_attribute as a ` +
      `where a.attrelid = to_regclass($3) and a.attnum > 0 and not a.attisdropped) ` +
      `select $4::text as table_name, coalesce(e.column_name, l.column_name) as column_name, ` +
      `case when e.column_name is null then 'new' when l.column_name is null then 'missing' else 'changed_type' end as change, ` +
      `e.expected_type, l.actual_type from expected as e full join live as l on l.column_name = e.column_name ` +
      `where e.column_name is null or l.column_name is null ` +
      `or ${base('e.expected_type')} is distinct from l.actual_base ` +
      `or (${modifiers('e.expected_type')} is not null and ${modifiers('e.expected_type')} is distinct from ${modifiers('l.actual_type')}) ` +
      `order by 3, 2`,
    values: [names, names.map((n) => columns[n]!), tableRef(table), table],
  };
}

export async function evaluateSchemaDrift(check: SchemaDriftCheck, scope: CheckScope): Promise<Evaluation> {
  const file = check.file ?? 'metadata/schema.yaml';
  const expected = loadSchemaFile(scope.projectDir, file);
  const tables = check.tables ?? Object.keys(expected.tables);
  const rows: Record<string, unknown>[] = [];
  for (const table of tables) {
    const spec = expected.tables[table];
    if (!spec) throw new CheckCannotRunError(`${file} has no table ${table}`);
    const query = schemaDriftSql(table, spec.columns);
    rows.push(...(await scope.query(query.text, query.values)));
  }
  const summary = rows.map((r) => `${String(r.table_name)}.${String(r.column_name)} ${String(r.change)}`);
  return {
    verdict: rows.length ? 'fail' : 'pass',
    observed: rows.length,
    threshold: '= 0',
    failingRows: rows.length,
    sample: rows.length ? rows.slice(0, 10) : null,
    message: `${plural(rows.length, 'column')} drifted from ${file} in ${plural(tables.length, 'table')}${summary.length ? `: ${summary.slice(0, 5).join(', ')}${summary.length > 5 ? ', …' : ''}` : ''}`,
  };
}
