import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Knex } from 'knex';
import type pg from 'pg';
import type { DatabaseEngine, ResolvedConfig } from '../core/config.js';
import { DatabaseError } from '../core/errors.js';
import { maskUrl, redactTextWith, urlPassword } from '../logging/redact.js';
import { embeddedPaths } from './embedded-server-files.js';
import { knexLog } from './knex-log.js';
import { transaction, withConnection, type HeldConnection } from './transaction.js';
import { PgliteDirLock } from './pglite-dir-lock.js';
import { typeParsers } from './type-parsers.js';

export type WarehouseKind = 'pglite' | 'postgres';

/**
 * The target database: the one place that decides between a PostgreSQL server (by URL, or the embedded server
 * in metadata/postgres — both `kind: 'postgres'`, one code path) and the opt-in PGlite engine.
 */
export interface Warehouse {
  kind: WarehouseKind;
  /** Masked URL, the embedded server's folder or the PGlite data directory, for messages. */
  description: string;
  /** The server URL (postgres only), for dedicated sessions such as the run lock. */
  url: string | null;
  knex: Knex;
  /** Parameterised raw SQL with `$1…` placeholders, on any connection of the pool. */
  query<Row = Record<string, unknown>>(text: string, values?: readonly unknown[]): Promise<Row[]>;
  /** Runs `work` on one connection of the pool, held until it settles (db/transaction.ts). */
  withConnection<T>(work: (connection: HeldConnection) => Promise<T>): Promise<T>;
  /** Runs `work` in one transaction on one connection: COMMIT when it returns, ROLLBACK when it throws. */
  transaction<T>(work: (connection: HeldConnection) => Promise<T>): Promise<T>;
  /** PGlite only: the data-directory lock this process holds. */
  dirLock: PgliteDirLock | null;
  close(): Promise<void>;
}

/** Where the warehouse is: a URL wins; without one, `engine` picks the embedded server or PGlite. */
export interface WarehouseTarget {
  url: string | null;
  engine: DatabaseEngine;
  embeddedDir: string;
  pgliteDir: string;
}

export interface OpenWarehouseOptions extends WarehouseTarget {
  /** What the process is doing, shown to a process that is refused the embedded database. */
  command: string;
  /** Most connections to a server at once (parallel tasks need one each). (Default: 5) */
  poolSize?: number;
}

export function warehouseTarget(config: ResolvedConfig): WarehouseTarget {
  return {
    url: config.databaseUrl,
    engine: config.engine,
    embeddedDir: config.embeddedDir,
    pgliteDir: config.pgliteDir,
  };
}

export async function openWarehouse(options: OpenWarehouseOptions): Promise<Warehouse> {
  if (options.url) return openServer(options.url, undefined, options.poolSize);
  if (options.engine === 'pglite') return openPglite(options.pgliteDir, options.command);
  warnAboutPgliteData(options);
  return openEmbeddedServer(options.embeddedDir, options.poolSize);
}

/**
 * Before the embedded server became the default, the warehouse was PGlite in metadata/pglite. A home that has
 * such data but no server yet is about to get an empty warehouse: say where the old one is.
 */
function warnAboutPgliteData(target: WarehouseTarget): void {
  if (existsSync(path.join(embeddedPaths(target.embeddedDir).data, 'PG_VERSION'))) return;
  if (!existsSync(path.join(target.pgliteDir, 'PG_VERSION'))) return;
  process.stderr.write(
    `dwh: note: ${target.pgliteDir} holds a PGlite warehouse; the default is now the embedded PostgreSQL ` +
      `server in ${target.embeddedDir}, which starts empty. To keep using PGlite set database.engine: pglite ` +
      `(or DWH_DATABASE_ENGINE=pglite).\n`,
  );
}

/** The embedded server is started on demand and left running; from here on it is just a server. */
async function openEmbeddedServer(dir: string, poolSize?: number): Promise<Warehouse> {
  const { ensureEmbeddedServer } = await import('./embedded-server.js');
  const server = await ensureEmbeddedServer(dir);
  const relative = path.relative(process.cwd(), dir);
  const where = relative && !relative.startsWith('..') ? relative : dir;
  return openServer(
    server.url,
    `embedded PostgreSQL ${server.state.major} server in ${where} (${server.state.host}:${server.state.port})`,
    poolSize,
  );
}

/** The warehouse's own primitives over its knex pool, the same for every engine. */
function primitives(knex: Knex): Pick<Warehouse, 'query' | 'withConnection' | 'transaction'> {
  return {
    query: (text, values) => withConnection(knex, (connection) => connection.query(text, values)),
    withConnection: (work) => withConnection(knex, work),
    transaction: (work) => transaction(knex, work),
  };
}

async function openServer(url: string, description = maskUrl(url), poolSize = 5): Promise<Warehouse> {
  const [{ default: knexFactory }, { default: pg }] = await Promise.all([import('knex'), import('pg')]);
  pgTypes = pg.types;
  const knex = knexFactory({
    client: 'pg',
    connection: {
      connectionString: url,
      connectionTimeoutMillis: 10_000,
      options: '-c TimeZone=UTC',
      types: { getTypeParser: getServerTypeParser },
    } as Knex.PgConnectionConfig,
    pool: { min: 0, max: poolSize },
    log: knexLog,
  });
  const own = primitives(knex);
  try {
    await own.query('select 1');
  } catch (error) {
    await knex.destroy();
    // drivers sometimes echo the connection string: its password is masked even before it is registered
    throw new DatabaseError(
      `cannot connect to ${description}: ${redactTextWith((error as Error).message, [urlPassword(url)])}`,
      undefined,
    );
  }
  return {
    kind: 'postgres',
    description,
    url,
    knex,
    ...own,
    dirLock: null,
    close: () => knex.destroy(),
  };
}

let pgTypes: typeof pg.types | undefined;
function getServerTypeParser(oid: number, format?: string): (text: string) => unknown {
  const parser = typeParsers[oid];
  if (parser && format !== 'binary') return parser;
  return pgTypes!.getTypeParser(oid, format as 'text') as (text: string) => unknown;
}

async function openPglite(dir: string, command: string): Promise<Warehouse> {
  const dirLock = await PgliteDirLock.acquire(dir, command);
  try {
    const [{ PGlite }, { btree_gist }, { default: knexFactory }, { default: ClientPGLite }] =
      await Promise.all([
        import('@electric-sql/pglite'),
        // loaded so `CREATE EXTENSION btree_gist` works as on a server (exclusion constraints of SCD2 dimensions)
        import('@electric-sql/pglite/contrib/btree_gist'),
        import('knex'),
        import('knex-pglite'),
      ]);
    const pglite = await PGlite.create(dir, { parsers: typeParsers, extensions: { btree_gist } });
    await pglite.exec(`SET TIME ZONE 'UTC'`);
    const knex = knexFactory({
      client: ClientPGLite,
      dialect: 'postgres',
      connection: { pglite },
      log: knexLog,
    } as Knex.Config);
    return {
      kind: 'pglite',
      description: dir,
      url: null,
      knex,
      ...primitives(knex),
      dirLock,
      close: async () => {
        try {
          await knex.destroy();
          if (!pglite.closed) await pglite.close();
        } finally {
          dirLock.release();
        }
      },
    };
  } catch (error) {
    dirLock.release();
    throw new DatabaseError(
      `cannot open the embedded database in ${dir}: ${(error as Error).message}`,
      error,
    );
  }
}
