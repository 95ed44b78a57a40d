import type { Readable } from 'node:stream';
import type pg from 'pg';
import { z } from 'zod';
import { bindNamedParams } from '../../db/named-params.js';
import type { Sql } from '../../db/sql.js';
import type { ByteSource, RowBatch, RowSource } from '../../core/load-source.js';
import { maskUrl } from '../../logging/redact.js';
import { errorMessage } from '../../core/errors.js';
import type { PostgresConnectorConfig } from '../config.js';
import { ConnectorError } from '../connector-error.js';
import { SessionLeases, sessionOrAbort } from '../session-leases.js';
import type { Connector, ExtractContext, ExtractOptions, ExtractRequest } from '../../core/types.js';
import { windowParams } from '../../core/window-params.js';
import { inlineParams } from './inline-params.js';

const requestSchema = z
  .object({
    /** SQL with `:name` parameters; `:start_load_date`, `:end_load_date`, `:previous_max_date` and `:run_id` are set. */
    query: z.string().min(1),
    params: z.record(z.string(), z.unknown()).default({}),
  })
  .strict();

/**
 * PostgreSQL source. Rows are read through a server-side cursor (FETCH batchSize), so memory stays flat; the
 * pass-through form is `COPY (query) TO STDOUT`, which a PostgreSQL target reads with COPY FROM STDIN as is.
 * The connector is a pool shared by the run's tasks: each extract has a session of its own for its whole life
 * (its transaction and its cursor are per session), so tasks running in parallel never meet on one.
 */
export class PostgresConnector implements Connector {
  readonly kind = 'postgres';
  private pool: pg.Pool | null = null;
  private readonly leases = new SessionLeases<pg.PoolClient>();
  private readonly where: string;

  constructor(
    readonly name: string,
    private readonly config: PostgresConnectorConfig,
  ) {
    this.where = config.url
      ? maskUrl(config.url)
      : `${config.host ?? 'localhost'}:${config.port ?? 5432}/${config.database ?? ''}`;
  }

  async open(): Promise<void> {
    const { default: pgModule } = await import('pg');
    const c = this.config;
    const connectTimeoutMs = c.connectTimeoutMs;
    /**
     * The connect timeout goes to each client, not to the pool: the pool would apply it to waiting for a free
     * session too, failing a task that only waits for another to finish.
     */
    class SourceClient extends pgModule.Client {
      constructor(config: pg.ClientConfig = {}) {
        // the pool keeps the password out of its enumerable options; the spread would drop it
        super({ ...config, password: config.password, connectionTimeoutMillis: connectTimeoutMs });
      }
    }
    const pool = new pgModule.Pool({
      ...(c.url ? { connectionString: c.url } : {}),
      ...(c.host ? { host: c.host } : {}),
      ...(c.port ? { port: c.port } : {}),
      ...(c.database ? { database: c.database } : {}),
      ...(c.user ? { user: c.user } : {}),
      ...(c.password ? { password: c.password } : {}),
      options: '-c TimeZone=UTC',
      max: c.maxConnections,
      Client: SourceClient,
    });
    // a session that drops while idle is removed by the pool; one that drops while an extract holds it fails
    // that extract's next query. Neither is an unhandled 'error' event.
    pool.on('error', () => undefined);
    pool.on('connect', (client) => client.on('error', () => undefined));
    try {
      (await pool.connect()).release();
    } catch (error) {
      await pool.end().catch(() => undefined);
      throw new ConnectorError(
        this.name,
        `cannot connect to postgres ${this.where}: ${errorMessage(error)}`,
        error,
      );
    }
    this.pool = pool;
  }

  async extract(
    request: ExtractRequest,
    ctx: ExtractContext,
    options: ExtractOptions = {},
  ): Promise<RowSource | ByteSource> {
    const parsed = requestSchema.safeParse(typeof request === 'string' ? { query: request } : request);
    if (!parsed.success)
      throw new ConnectorError(
        this.name,
        `bad extract request: ${parsed.error.issues[0]?.message ?? 'invalid'}`,
      );
    const pool = this.requirePool();
    const bound = bindNamedParams(
      parsed.data.query,
      { ...windowParams(ctx.window, ctx.runId), ...parsed.data.params },
      `connector '${this.name}' query`,
    );
    return options.prefer === 'bytes'
      ? this.copyOut(pool, bound, ctx.signal)
      : this.cursorRows(pool, bound, ctx);
  }

  private async copyOut(pool: pg.Pool, bound: Sql, signal: AbortSignal): Promise<ByteSource> {
    const { to: copyTo } = await import('pg-copy-streams');
    const { escapeLiteral } = (await import('pg')).default;
    const fields = await this.describe(pool, bound);
    const text = inlineParams(bound.text, bound.values, escapeLiteral);
    const open = async (): Promise<Readable> => {
      const { client, release } = await this.checkout(pool, signal);
      const stream = client.query(copyTo(`COPY (${text}) TO STDOUT`));
      stream.once('end', () => release());
      stream.once('error', (error) => release(error));
      // destroyed before its end: the session is in the middle of a COPY, so the pool ends it
      stream.once('close', () => release(new Error('COPY TO STDOUT stream closed before its end')));
      return stream;
    };
    return {
      kind: 'bytes',
      format: 'text',
      header: false,
      columns: fields,
      parts: [{ name: `connector '${this.name}'`, open }],
    };
  }

  private async describe(pool: pg.Pool, bound: Sql): Promise<string[]> {
    try {
      const result = await pool.query({
        text: `SELECT * FROM (${bound.text}) AS q LIMIT 0`,
        values: bound.values,
      });
      return result.fields.map((f) => f.name);
    } catch (error) {
      throw new ConnectorError(this.name, `query failed: ${errorMessage(error)}`, error);
    }
  }

  private cursorRows(pool: pg.Pool, bound: Sql, ctx: ExtractContext): RowSource {
    const { name, config } = this;
    const source = `connector '${name}'`;
    const checkout = () => this.checkout(pool, ctx.signal);
    async function* batches(): AsyncGenerator<RowBatch> {
      const { client, release } = await checkout();
      let ended = false;
      try {
        ctx.signal.throwIfAborted();
        await client.query('BEGIN READ ONLY');
        try {
          await client.query(`DECLARE dwh_extract NO SCROLL CURSOR FOR ${bound.text}`, bound.values);
        } catch (error) {
          throw new ConnectorError(name, `query failed: ${errorMessage(error)}`, error);
        }
        let columns: string[] | null = null;
        for (;;) {
          ctx.signal.throwIfAborted();
          const result = await client.query<unknown[]>({
            text: `FETCH ${config.batchSize} FROM dwh_extract`,
            rowMode: 'array',
          });
          columns ??= result.fields.map((f) => f.name);
          if (result.rows.length === 0) break;
          yield { columns, rows: result.rows, source };
        }
        await client.query('COMMIT');
        ended = true;
      } finally {
        // runs on an error and when the consumer stops reading (`break` calls return()): the transaction ends
        // here, so the session goes back to the pool clean; one that cannot roll back is discarded
        let broken: Error | undefined;
        if (!ended)
          await client.query('ROLLBACK').catch((error: unknown) => {
            broken = error instanceof Error ? error : new Error(String(error));
          });
        release(broken);
      }
    }
    return { kind: 'rows', batches: batches() };
  }

  /** A session of the pool for one extract, and how to give it back; waits while all maxConnections are in use. */
  private async checkout(
    pool: pg.Pool,
    signal?: AbortSignal,
  ): Promise<{ client: pg.PoolClient; release: (error?: Error) => void }> {
    signal?.throwIfAborted();
    try {
      const client = await sessionOrAbort(
        () => pool.connect(),
        signal,
        (late) => late.release(),
      );
      return { client, release: this.leases.lend(client, (error) => client.release(error)) };
    } catch (error) {
      // stopped waiting for a free session: the task's timeout or the run's interrupt, not the source
      if (signal?.aborted) throw error;
      throw new ConnectorError(
        this.name,
        `cannot connect to postgres ${this.where}: ${errorMessage(error)}`,
        error,
      );
    }
  }

  private requirePool(): pg.Pool {
    if (!this.pool) throw new ConnectorError(this.name, 'not open');
    return this.pool;
  }

  async close(): Promise<void> {
    const pool = this.pool;
    this.pool = null;
    // an extract still holding a session (its consumer gone) would keep the pool from ending
    this.leases.endAll(new Error(`connector '${this.name}' closed`));
    await pool?.end();
  }
}
