import { createHash } from 'node:crypto';
import path from 'node:path';
import type { Warehouse } from './connection.js';

const known = new WeakMap<Warehouse, Promise<string>>();

/**
 * A short, stable name of the database behind a warehouse (8 hex digits), so files kept beside the home (run
 * logs) can say which database they belong to: run ids restart in every database, and one home may be used with
 * the embedded database and with a server. A server is identified by its cluster's system identifier and the
 * database name (the URL may change: host names, ports, credentials); PGlite by its data directory.
 */
export function databaseIdentity(warehouse: Warehouse): Promise<string> {
  let identity = known.get(warehouse);
  if (!identity) {
    identity = compute(warehouse);
    known.set(warehouse, identity);
  }
  return identity;
}

async function compute(warehouse: Warehouse): Promise<string> {
  if (warehouse.kind === 'pglite') return shortHash(`pglite:${path.resolve(warehouse.description)}`);
  const [row] = await warehouse.query<{ system: string | null; database: string }>(
    `select case when has_function_privilege('pg_control_system()', 'execute')
              then (select system_identifier::text from pg_control_system()) end as system,
            current_database() as database`,
  );
  if (row?.system) return shortHash(`postgres:${row.system}/${row.database}`);
  // a server that hides its control data: the address and database name (never the credentials) stand in
  const url = new URL(warehouse.url!);
  return shortHash(`postgres:${url.hostname}:${url.port || '5432'}/${row?.database ?? url.pathname}`);
}

function shortHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 8);
}
