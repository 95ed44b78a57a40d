import { readdirSync, readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import type { Knex } from 'knex';
import type { TaskContext } from '../core/types.js';
import { tableIdent, tableLabel, type TableName } from '../db/table-name.js';
import { splitSqlStatements, type SqlStatement } from '../db/split-sql.js';
import { inTransaction } from './transaction.js';
import { WarehouseError } from './warehouse-error.js';

/** One `views/*.sql` file: a view or materialized view and what it reads from other files' views. */
export interface ViewFile {
  /** File name, for messages. */
  file: string;
  /** The view's name as written (`name` or `schema.name`), unquoted. */
  name: string;
  /** The same name as schema and table, for quoting. */
  relation: TableName;
  materialized: boolean;
  statements: SqlStatement[];
  /** Names of views of other files this one reads. */
  dependsOn: string[];
}

const IDENT = String.raw`(?:"(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_$]*)`;
const CREATE = new RegExp(
  String.raw`^CREATE\s+(OR\s+REPLACE\s+)?(MATERIALIZED\s+)?VIEW\s+(IF\s+NOT\s+EXISTS\s+)?(${IDENT}(?:\s*\.\s*${IDENT})?)`,
  'i',
);

const unquote = (part: string) =>
  part.startsWith('"') ? part.slice(1, -1).replace(/""/g, '"') : part.toLowerCase();

/**
 * Reads `dir/*.sql` (one view per file, first statement `CREATE OR REPLACE VIEW` or `CREATE MATERIALIZED
 * VIEW`, more statements such as indexes may follow) and orders them so every view comes after the views it
 * reads. A file that defines no view, two files defining one view, or a cycle is an error naming the files.
 */
export function planViews(dir: string): ViewFile[] {
  if (!existsSync(dir)) return [];
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .sort();
  const views = files.map((file) => parseViewFile(file, readFileSync(path.join(dir, file), 'utf8')));
  const byName = new Map<string, ViewFile>();
  for (const view of views) {
    const other = byName.get(view.name);
    if (other) throw new WarehouseError(`views: ${other.file} and ${view.file} both define ${view.name}`);
    byName.set(view.name, view);
  }
  for (const view of views) {
    const body = view.statements
      .map((s) => s.text)
      .join('\n')
      .replace(CREATE, '');
    view.dependsOn = views
      .filter((other) => other !== view && mentions(body, other.relation))
      .map((other) => other.name);
  }
  return orderByDependencies(views, byName);
}

function parseViewFile(file: string, text: string): ViewFile {
  const statements = splitSqlStatements(text);
  const first = statements[0]?.text.replace(/^(\s*(--[^\n]*\n|\/\*[\s\S]*?\*\/))*\s*/, '') ?? '';
  const match = CREATE.exec(first);
  if (!match) {
    throw new WarehouseError(
      `views/${file}: the first statement must be CREATE OR REPLACE VIEW or CREATE MATERIALIZED VIEW`,
    );
  }
  const materialized = Boolean(match[2]);
  if (!materialized && !match[1]) {
    throw new WarehouseError(`views/${file}: write CREATE OR REPLACE VIEW so the file can run on every load`);
  }
  const [outer, inner] = match[4]!.split(/\s*\.\s*(?=(?:[^"]*"[^"]*")*[^"]*$)/).map(unquote);
  const relation: TableName = inner === undefined ? { table: outer! } : { schema: outer!, table: inner };
  return { file, name: tableLabel(relation), relation, materialized, statements, dependsOn: [] };
}

/** Whether SQL text refers to a relation (by its table name: unqualified names match any schema). */
function mentions(sql: string, name: TableName): boolean {
  const escaped = name.table.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(^|[^A-Za-z0-9_$])"?${escaped}"?($|[^A-Za-z0-9_$])`, 'i').test(sql);
}

function orderByDependencies(views: ViewFile[], byName: Map<string, ViewFile>): ViewFile[] {
  const ordered: ViewFile[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (view: ViewFile, trail: ViewFile[]) => {
    if (state.get(view.name) === 'done') return;
    if (state.get(view.name) === 'visiting') {
      const cycle = [...trail.slice(trail.indexOf(view)), view].map((v) => v.file);
      throw new WarehouseError(`views: dependency cycle ${cycle.join(' → ')}`);
    }
    state.set(view.name, 'visiting');
    for (const dependency of view.dependsOn) visit(byName.get(dependency)!, [...trail, view]);
    state.set(view.name, 'done');
    ordered.push(view);
  };
  for (const view of views) visit(view, []);
  return ordered;
}

export interface ViewsResult {
  /** Views created or replaced, in order. */
  created: string[];
  /** Materialized views that existed and were refreshed. */
  refreshed: string[];
}

/**
 * Creates or replaces the views of `dir` in dependency order, in one transaction. A materialized view is
 * created when missing and refreshed otherwise (to change its definition, drop it in alter_tables.sql).
 */
export async function applyViews(db: Knex, dir: string): Promise<ViewsResult> {
  const views = planViews(dir);
  return inTransaction(db, async (query) => {
    const result: ViewsResult = { created: [], refreshed: [] };
    for (const view of views) {
      const ident = tableIdent(view.relation);
      if (view.materialized) {
        const [exists] = await query<{ t: string | null }>({
          text: 'SELECT to_regclass($1)::text AS t',
          values: [ident],
        });
        if (exists?.t) {
          await query(`REFRESH MATERIALIZED VIEW ${ident}`);
          result.refreshed.push(view.name);
          continue;
        }
      }
      for (const statement of view.statements) {
        try {
          await query(statement.text);
        } catch (error) {
          throw new WarehouseError(`views/${view.file} line ${statement.line}: ${(error as Error).message}`, {
            cause: error,
          });
        }
      }
      result.created.push(view.name);
    }
    return result;
  });
}

/** Task function: applies the project's `views/` folder (or another folder of the project). */
export function viewsTask(folder = 'views') {
  return async function applyProjectViews(ctx: TaskContext): Promise<void> {
    const result = await applyViews(ctx.db, path.resolve(ctx.projectDir, folder));
    ctx.log.info(
      `views: ${result.created.length} created or replaced (${result.created.join(', ') || 'none'}), ` +
        `${result.refreshed.length} materialized view(s) refreshed`,
    );
  };
}
