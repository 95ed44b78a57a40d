import type pg from 'pg';
import { z } from 'zod';
import { bindNamedParams } from '../../db/named-params.js';
import type { Sql } from '../../db/sql.js';
import type { ByteSource, RowBatch, RowSource } from '../../core/load-source.js';
import { maskUrl } from '../../logging/redact.js';
import { errorMessage } from '../../core/errors.js';
import type { PostgresConnectorConfig } from '../config.js';
import { ConnectorError } from '../connector-error.js';
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
 */
export class PostgresConnector implements Connector {
  readonly kind = 'postgres';
  private client: pg.Client | null = null;
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
    const client = new pgModule.Client({
      ...(c.url ? { connectionString: c.url } : {}),
      ...(c.host ? { host: c.host } : {}),
      ...(c.port ? { port: c.port } : {}),
      ...(c.database ? { database: c.database } : {}),
      ...(c.user ? { user: c.user } : {}),
      ...(c.password ? { password: c.password } : {}),
      connectionTimeoutMillis: c.connectTimeoutMs,
      options: '-c TimeZone=UTC',
    });
    try {
      await client.connect();
    } catch (error) {
      await client.end().catch(() => undefined);
      throw new ConnectorError(
        this.name,
        `cannot connect to postgres ${this.where}: ${errorMessage(error)}`,
        error,
      );
    }
    this.client = client;
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
    const client = this.requireClient();
    const bound = bindNamedParams(
      parsed.data.query,
      { ...windowParams(ctx.window, ctx.runId), ...parsed.data.params },
      `connector '${this.name}' query`,
    );
    return options.prefer === 'bytes' ? this.copyOut(client, bound) : this.cursorRows(client, bound, ctx);
  }

  private async copyOut(client: pg.Client, bound: Sql): Promise<ByteSource> {
    const { to: copyTo } = await import('pg-copy-streams');
    const fields = await this.describe(client, bound);
    const text = inlineParams(bound.text, bound.values, (v) => client.escapeLiteral(v));
    return {
      kind: 'bytes',
      format: 'text',
      header: false,
      columns: fields,
      parts: [
        { name: `connector '${this.name}'`, open: () => client.query(copyTo(`COPY (${text}) TO STDOUT`)) },
      ],
    };
  }

  private async describe(client: pg.Client, bound: Sql): Promise<string[]> {
    try {
      const result = await client.query({
        text: `SELECT * FROM (${bound.text}) AS q LIMIT 0`,
        values: bound.values,
      });
      return result.fields.map((f) => f.name);
    } catch (error) {
      throw new ConnectorError(this.name, `query failed: ${errorMessage(error)}`, error);
    }
  }

  private cursorRows(client: pg.Client, bound: Sql, ctx: ExtractContext): RowSource {
    const { name, config } = this;
    const source = `connector '${name}'`;
    async function* batches(): AsyncGenerator<RowBatch> {
      await client.query('BEGIN READ ONLY');
      try {
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
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      }
    }
    return { kind: 'rows', batches: batches() };
  }

  private requireClient(): pg.Client {
    if (!this.client) throw new ConnectorError(this.name, 'not open');
    return this.client;
  }

  async close(): Promise<void> {
    const client = this.client;
    this.client = null;
    await client?.end();
  }
}
