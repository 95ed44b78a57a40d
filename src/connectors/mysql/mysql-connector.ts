import type { Connection, FieldPacket, Query } from 'mysql2';
import { z } from 'zod';
import type { RowBatch, RowSource } from '../../core/load-source.js';
import { maskUrl } from '../../logging/redact.js';
import { errorMessage } from '../../core/errors.js';
import type { MysqlConnectorConfig } from '../config.js';
import { ConnectorError } from '../connector-error.js';
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
 */
export class MysqlConnector implements Connector {
  readonly kind = 'mysql';
  private connection: Connection | null = null;
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
    const connection = mysql.createConnection({
      ...(c.url ? { uri: c.url } : {}),
      ...(c.host ? { host: c.host } : {}),
      ...(c.port ? { port: c.port } : {}),
      ...(c.database ? { database: c.database } : {}),
      ...(c.user ? { user: c.user } : {}),
      ...(c.password ? { password: c.password } : {}),
      connectTimeout: c.connectTimeoutMs,
      timezone: 'Z',
      namedPlaceholders: true,
      supportBigNumbers: true,
      bigNumberStrings: true,
      decimalNumbers: false,
    });
    try {
      await new Promise<void>((resolve, reject) =>
        connection.connect((error) => (error ? reject(error) : resolve())),
      );
    } catch (error) {
      connection.destroy();
      throw new ConnectorError(
        this.name,
        `cannot connect to mysql ${this.where}: ${errorMessage(error)}`,
        error,
      );
    }
    connection.on('error', () => undefined); // a dropped connection surfaces in the next query
    this.connection = connection;
  }

  extract(request: ExtractRequest, ctx: ExtractContext): Promise<RowSource> {
    const parsed = requestSchema.safeParse(typeof request === 'string' ? { query: request } : request);
    if (!parsed.success)
      throw new ConnectorError(
        this.name,
        `bad extract request: ${parsed.error.issues[0]?.message ?? 'invalid'}`,
      );
    const connection = this.connection;
    if (!connection) throw new ConnectorError(this.name, 'not open');
    const { name, config } = this;
    const { query: sql, params } = parsed.data;
    const values = { ...windowParams(ctx.window, ctx.runId), ...params };
    // mysql2 rejects named values the query does not use
    const used = Object.fromEntries(Object.entries(values).filter(([key]) => sql.includes(`:${key}`)));
    const source = `connector '${name}'`;
    async function* batches(): AsyncGenerator<RowBatch> {
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
        throw new ConnectorError(name, `query failed: ${errorMessage(error)}`, error);
      } finally {
        ctx.signal.removeEventListener('abort', abort);
      }
      if (rows.length) yield { columns: columns!, rows, source };
    }
    return Promise.resolve({ kind: 'rows', batches: batches() });
  }

  async close(): Promise<void> {
    const connection = this.connection;
    this.connection = null;
    if (!connection) return;
    await new Promise<void>((resolve) => connection.end(() => resolve()));
  }
}
