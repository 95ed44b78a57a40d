import type { FieldPacket, Pool, PoolConnection, Query } from 'mysql2';
import { z } from 'zod';
import type { RowBatch, RowSource } from '../../core/load-source.js';
import { maskUrl } from '../../logging/redact.js';
import { errorMessage } from '../../core/errors.js';
import type { MysqlConnectorConfig } from '../config.js';
import { ConnectorError } from '../connector-error.js';
import { SessionLeases, sessionOrAbort } from '../session-leases.js';
import type { Connector, ExtractContext, ExtractRequest } from '../../core/types.js';
import { windowParams } from '../../core/window-params.js';

const requestSchema = z
  .object({
    /** SQL with `:name` parameters; `:start_load_date`, `:end_load_date`, `:previous_max_date` and `:run_id` are set. */
    query: z.string().min(1),
    params: z.record(z.string(), z.unknown()).default({}),
  })
  .strict();

/**
 * MySQL / MariaDB source (mysql2). The result is streamed row by row from the socket and grouped into
 * batches; the stream is paused while the loader catches up, so memory stays flat. Dates are read as UTC.
 * The connector is a pool shared by the run's tasks: each extract streams through a connection of its own, so
 * parallel tasks (or two streams in one task) never queue behind each other's results.
 */
export class MysqlConnector implements Connector {
  readonly kind = 'mysql';
  private pool: Pool | null = null;
  private readonly leases = new SessionLeases<PoolConnection>();
  private readonly where: string;

  constructor(
    readonly name: string,
    private readonly config: MysqlConnectorConfig,
  ) {
    this.where = config.url
      ? maskUrl(config.url)
      : `${config.host ?? 'localhost'}:${config.port ?? 3306}/${config.database ?? ''}`;
  }

  async open(): Promise<void> {
    const mysql = await import('mysql2');
    const c = this.config;
    const pool = mysql.createPool({
      ...(c.url ? { uri: c.url } : {}),
      ...(c.host ? { host: c.host } : {}),
      ...(c.port ? { port: c.port } : {}),
      ...(c.database ? { database: c.database } : {}),
      ...(c.user ? { user: c.user } : {}),
      ...(c.password ? { password: c.password } : {}),
      connectTimeout: c.connectTimeoutMs,
      connectionLimit: c.maxConnections,
      timezone: 'Z',
      namedPlaceholders: true,
      supportBigNumbers: true,
      bigNumberStrings: true,
      decimalNumbers: false,
    });
    // a dropped connection leaves the pool and surfaces in the next query, not as an unhandled 'error' event
    pool.on('connection', (connection) => connection.on('error', () => undefined));
    try {
      (await this.checkout(pool)).release();
    } catch (error) {
      await new Promise<void>((resolve) => pool.end(() => resolve()));
      throw new ConnectorError(
        this.name,
        `cannot connect to mysql ${this.where}: ${errorMessage(error)}`,
        error,
      );
    }
    this.pool = pool;
  }

  extract(request: ExtractRequest, ctx: ExtractContext): Promise<RowSource> {
    const parsed = requestSchema.safeParse(typeof request === 'string' ? { query: request } : request);
    if (!parsed.success)
      throw new ConnectorError(
        this.name,
        `bad extract request: ${parsed.error.issues[0]?.message ?? 'invalid'}`,
      );
    const pool = this.pool;
    if (!pool) throw new ConnectorError(this.name, 'not open');
    const { name, config, where } = this;
    const { query: sql, params } = parsed.data;
    const values = { ...windowParams(ctx.window, ctx.runId), ...params };
    // mysql2 rejects named values the query does not use
    const used = Object.fromEntries(Object.entries(values).filter(([key]) => sql.includes(`:${key}`)));
    const source = `connector '${name}'`;
    const checkout = () => this.checkout(pool, ctx.signal);
    async function* batches(): AsyncGenerator<RowBatch> {
      let connection: PoolConnection;
      let giveBack: (error?: Error) => void;
      try {
        ({ connection, release: giveBack } = await checkout());
      } catch (error) {
        // stopped waiting for a free connection: the task's timeout or the run's interrupt, not the source
        if (ctx.signal.aborted) throw error;
        throw new ConnectorError(name, `cannot connect to mysql ${where}: ${errorMessage(error)}`, error);
      }
      // how the stream ended: the connection goes back to the pool only when the server is done with it
      let reusable = false;
      try {
        ctx.signal.throwIfAborted();
        let columns: string[] | null = null;
        const query = (connection as unknown as { query(options: object): Query }).query({
          sql,
          values: used,
          rowsAsArray: true,
        });
        query.on('fields', (fields: FieldPacket[]) => (columns = fields.map((f) => f.name)));
        const stream = query.stream({ highWaterMark: config.batchSize });
        const abort = () => stream.destroy(new Error('aborted'));
        ctx.signal.addEventListener('abort', abort, { once: true });
        let rows: unknown[][] = [];
        try {
          for await (const row of stream as AsyncIterable<unknown[]>) {
            rows.push(row);
            if (rows.length >= config.batchSize) {
              yield { columns: columns!, rows, source };
              rows = [];
            }
          }
        } catch (error) {
          // an error the server sent (a bad query: it has an errno) ends the query and leaves the connection
          // usable; a lost connection (fatal) or an abort mid-stream does not
          const { errno, fatal } = error as { errno?: unknown; fatal?: unknown };
          reusable = typeof errno === 'number' && fatal !== true;
          throw new ConnectorError(name, `query failed: ${errorMessage(error)}`, error);
        } finally {
          ctx.signal.removeEventListener('abort', abort);
        }
        reusable = true;
        if (rows.length) yield { columns: columns!, rows, source };
      } finally {
        // a stream left midway (the consumer stopped reading, or an abort) still has rows coming on the socket:
        // that connection is closed, which frees its place in the pool at once
        giveBack(reusable ? undefined : new Error('stream left midway'));
      }
    }
    return Promise.resolve({ kind: 'rows', batches: batches() });
  }

  /**
   * A connection of the pool for one extract, and how to give it back (with an error it is closed instead);
   * waits while all maxConnections are in use.
   */
  private async checkout(
    pool: Pool,
    signal?: AbortSignal,
  ): Promise<{ connection: PoolConnection; release: (error?: Error) => void }> {
    const connection = await sessionOrAbort(
      () =>
        new Promise<PoolConnection>((resolve, reject) =>
          pool.getConnection((error, got) => (error ? reject(error) : resolve(got))),
        ),
      signal,
      (late) => late.release(),
    );
    const release = this.leases.lend(connection, (error) =>
      error ? connection.destroy() : connection.release(),
    );
    return { connection, release };
  }

  async close(): Promise<void> {
    const pool = this.pool;
    this.pool = null;
    // a connection still streaming to an extract nobody reads would keep the pool from ending
    this.leases.endAll(new Error(`connector '${this.name}' closed`));
    if (!pool) return;
    await new Promise<void>((resolve) => pool.end(() => resolve()));
  }
}
