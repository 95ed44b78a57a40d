import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { DdlError, errorMessage } from '../core/errors.js';
import type { Warehouse } from '../db/connection.js';
import { splitSqlStatements } from '../db/split-sql.js';

export interface DdlResult {
  applied: number;
  skipped: number;
}

/**
 * Applies a project's `alter_tables.sql` (its DDL history): each statement runs once, in its own transaction
 * together with its row in dwh.applied_ddl. Statements are identified by their text (whitespace folded), so
 * the file is append-only history: editing an applied statement makes it a new one.
 */
export async function applyDdlHistory(
  warehouse: Warehouse,
  project: string,
  file: string,
  shownFile: string,
  runId: number | null,
): Promise<DdlResult> {
  if (!existsSync(file)) return { applied: 0, skipped: 0 };
  const statements = splitSqlStatements(readFileSync(file, 'utf8'));
  const done = new Set(
    (
      await warehouse.query<{ statement_hash: string }>(
        'select statement_hash from dwh.applied_ddl where project_name = $1',
        [project],
      )
    ).map((row) => row.statement_hash),
  );
  const result: DdlResult = { applied: 0, skipped: 0 };
  for (const statement of statements) {
    const hash = createHash('sha256').update(statement.text.replace(/\s+/g, ' ')).digest('hex');
    if (done.has(hash)) {
      result.skipped += 1;
      continue;
    }
    try {
      await warehouse.transaction(async (connection) => {
        await connection.query(statement.text);
        await connection.query(
          'insert into dwh.applied_ddl (project_name, statement_hash, statement, run_id) values ($1, $2, $3, $4)',
          [project, hash, statement.text, runId],
        );
      });
    } catch (error) {
      const firstLine = statement.text.split('\n')[0]!.slice(0, 80);
      throw new DdlError(`${shownFile} line ${statement.line} (${firstLine}): ${errorMessage(error)}`, error);
    }
    done.add(hash);
    result.applied += 1;
  }
  return result;
}
