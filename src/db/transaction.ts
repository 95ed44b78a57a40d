import type { PGlite } from '@electric-sql/pglite';
import type { Knex } from 'knex';
import type pg from 'pg';

/** A statement on the held connection with `$1…` placeholders; returns its rows. */
type ConnectionQuery = <Row = Record<string, unknown>>(
  text: string,
  values?: readonly unknown[],
) => Promise<Row[]>;

/**
 * One connection of the warehouse's pool, held while some work runs on it: a pg client on a server, the
 * PGlite instance on PGlite. knex-pglite's pool has exactly that one connection, so holding it is exclusive.
 * The driver is there for what knex cannot do (COPY streams, PGlite blobs); plain statements use `query`.
 */
export type HeldConnection =
  | { engine: 'postgres'; client: pg.Client; query: ConnectionQuery }
  | { engine: 'pglite'; pglite: PGlite; query: ConnectionQuery };

export interface TransactionOptions {
  /**
   * What the work's error becomes when the ROLLBACK fails too: the connection is gone and the server has
   * rolled back by itself. (Default: the work's error as it is)
   */
  lostConnection?: (error: unknown, rollbackError: unknown) => unknown;
}

/** The part of knex's client that hands out raw connections; not in knex's types. */
interface KnexPool {
  acquireConnection(): Promise<unknown>;
  releaseConnection(connection: unknown): Promise<void>;
}

/** What knex reads on a pg connection before it goes back to the pool. */
interface DisposableConnection {
  /** Set by knex when the connection broke; the pool then destroys it instead of handing it out. */
  __knex__disposed?: unknown;
}

/**
 * Runs `work` on one connection of the pool and gives it back. This is the only place dwh reaches past
 * knex's public API (for `$n` placeholders, COPY and PGlite blobs), so a knex upgrade is checked here.
 */
export async function withConnection<T>(
  knex: Knex,
  work: (connection: HeldConnection) => Promise<T>,
): Promise<T> {
  const pool = knex.client as KnexPool;
  const raw = await pool.acquireConnection();
  const connection = held(raw);
  try {
    return await work(connection);
  } catch (error) {
    // a connection the server closed under a statement must not go back to the pool: the next query (the
    // audit row of the failed attempt, the retry) would get it before its 'end' event marks it disposed
    if (isConnectionLoss(error)) markBroken(connection, error);
    throw error;
  } finally {
    await pool.releaseConnection(raw);
  }
}

/**
 * Runs `work` in one transaction on one connection: COMMIT when it returns, ROLLBACK when it throws, so a
 * failed load leaves no trace. The same code path serves a server pool and PGlite's single connection.
 */
export function transaction<T>(
  knex: Knex,
  work: (connection: HeldConnection) => Promise<T>,
  options: TransactionOptions = {},
): Promise<T> {
  return withConnection(knex, async (connection) => {
    await connection.query('BEGIN');
    let result: T;
    try {
      result = await work(connection);
    } catch (error) {
      try {
        await connection.query('ROLLBACK');
      } catch (rollbackError) {
        markBroken(connection, rollbackError);
        throw options.lostConnection ? options.lostConnection(error, rollbackError) : error;
      }
      throw error;
    }
    await connection.query('COMMIT');
    return result;
  });
}

function held(raw: unknown): HeldConnection {
  if (isPglite(raw)) return { engine: 'pglite', pglite: raw, query: rowsOf(raw) };
  const client = raw as pg.Client;
  return { engine: 'postgres', client, query: rowsOf(client) };
}

function rowsOf(driver: { query(text: string, values?: unknown[]): Promise<{ rows: unknown[] }> }) {
  return async <Row>(text: string, values: readonly unknown[] = []): Promise<Row[]> => {
    const result = await driver.query(text, [...values]);
    return result.rows as Row[];
  };
}

/** A broken server connection is dropped by the pool; PGlite's one connection is the database itself and stays. */
function markBroken(connection: HeldConnection, reason: unknown): void {
  if (connection.engine === 'postgres') (connection.client as DisposableConnection).__knex__disposed = reason;
}

/** SQLSTATE 57P0x (server shut the connection), class 08 (connection exception), or the socket just closed. */
function isConnectionLoss(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  if (typeof code === 'string' && (/^57P0[123]$/.test(code) || code.startsWith('08'))) return true;
  return typeof message === 'string' && /^Connection terminated/.test(message);
}

function isPglite(connection: unknown): connection is PGlite {
  return typeof connection === 'object' && connection !== null && 'waitReady' in connection;
}
