import type { Knex } from 'knex';
import type { Sql } from '../db/sql.js';
import { transaction } from '../db/transaction.js';

/** Runs one statement inside the transaction and returns its rows. */
export type TxQuery = <Row = Record<string, unknown>>(sql: Sql | string) => Promise<Row[]>;

/**
 * Runs `work` in one transaction on one connection of the target, with `$n` placeholders (knex's own
 * transactions only speak `?`): `inTransaction(ctx.db, async (query) => { await query({ text, values }) })`.
 * Any error rolls everything back, so a failed load leaves no trace. A thin wrapper for project authors over
 * the one transaction primitive (db/transaction.ts): a statement is text or the `Sql` a builder returns.
 */
export function inTransaction<T>(db: Knex, work: (query: TxQuery) => Promise<T>): Promise<T> {
  return transaction(db, (connection) =>
    work(<Row>(sql: Sql | string) =>
      typeof sql === 'string' ? connection.query<Row>(sql) : connection.query<Row>(sql.text, sql.values),
    ),
  );
}
