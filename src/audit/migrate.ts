import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DatabaseError } from '../core/errors.js';
import type { Warehouse } from '../db/connection.js';
import { splitSqlStatements } from '../db/split-sql.js';

const migrationsDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');

export interface Migration {
  id: number;
  name: string;
  sql: string;
}

/** Numbered `.sql` files beside this module: `0001_audit_tables.sql` … */
export function listMigrations(): Migration[] {
  return readdirSync(migrationsDir)
    .filter((file) => /^\d{4}_[a-z0-9_]+\.sql$/.test(file))
    .sort()
    .map((file) => ({
      id: Number(file.slice(0, 4)),
      name: file.replace(/\.sql$/, ''),
      sql: readFileSync(path.join(migrationsDir, file), 'utf8'),
    }));
}

/** The ids of the migrations applied to this warehouse, in order. */
export async function appliedMigrationIds(warehouse: Pick<Warehouse, 'query'>): Promise<number[]> {
  const rows = await warehouse.query<{ id: number }>('select id from dwh.migrations order by id');
  return rows.map((row) => Number(row.id));
}

/**
 * Brings schema `dwh` up to date. Each migration runs in its own transaction with its row written first, so a
 * failed migration leaves neither its row nor half its objects. On a server, an advisory lock serialises
 * concurrent first runs.
 */
export async function migrate(warehouse: Warehouse): Promise<string[]> {
  const applied: string[] = [];
  const migrations = listMigrations();
  await warehouse.transaction(async (connection) => {
    if (warehouse.kind === 'postgres')
      await connection.query(`select pg_advisory_xact_lock(hashtextextended('dwh.migrate', 0))`);
    await connection.query(`CREATE SCHEMA IF NOT EXISTS dwh`);
    await connection.query(`CREATE TABLE IF NOT EXISTS dwh.migrations (
      id integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
  });
  const done = new Set(await appliedMigrationIds(warehouse));
  for (const migration of migrations) {
    if (done.has(migration.id)) continue;
    await warehouse.transaction(async (connection) => {
      if (warehouse.kind === 'postgres') {
        await connection.query(`select pg_advisory_xact_lock(hashtextextended('dwh.migrate', 0))`);
      }
      const inserted = await connection.query(
        'insert into dwh.migrations (id, name) values ($1, $2) on conflict (id) do nothing returning id',
        [migration.id, migration.name],
      );
      if (inserted.length === 0) return; // another process applied it while we waited for the lock
      try {
        for (const statement of splitSqlStatements(migration.sql)) await connection.query(statement.text);
      } catch (error) {
        throw new DatabaseError(`migration ${migration.name} failed: ${(error as Error).message}`, error);
      }
      applied.push(migration.name);
    });
  }
  return applied;
}
