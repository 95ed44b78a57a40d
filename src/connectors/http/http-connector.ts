import { z } from 'zod';
import { objectsToBatch, type RowBatch, type RowSource } from '../../core/load-source.js';
import type { LoadWindow } from '../../core/types.js';
import type { HttpConnectorConfig } from '../config.js';
import { ConnectorError } from '../connector-error.js';
import type { Connector, ExtractContext, ExtractRequest } from '../../core/types.js';
import { HttpClient } from './fetch-with-retry.js';
import { firstPage, nextPage, paginationSchema, pathValue, type Pagination } from './pagination.js';

const requestSchema = z
  .object({
    /** Path under baseUrl (or a full URL). */
    path: z.string().min(1),
    /**
     * Query parameters; `{start_load_date}` / `{end_load_date}` become the window's ISO instants and
     * `{start_load_date:date}` / `{end_load_date:date}` its dates (YYYY-MM-DD).
     */
    params: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).default({}),
    /** Dot path of the item array in the body. (Default: the body itself, which must then be an array) */
    itemsPath: z.string().optional(),
    pagination: paginationSchema.default({ style: 'none' }),
    /** Safety stop. (Default: 10000) */
    maxPages: z.number().int().positive().default(10_000),
  })
  .strict();

/** REST JSON source: one row batch per page, with pagination, retries, timeouts and rate limiting. */
export class HttpConnector implements Connector {
  readonly kind = 'http';

  constructor(
    readonly name: string,
    private readonly config: HttpConnectorConfig,
  ) {}

  open(): Promise<void> {
    return Promise.resolve();
  }

  extract(request: ExtractRequest, ctx: ExtractContext): Promise<RowSource> {
    const parsed = requestSchema.safeParse(typeof request === 'string' ? { path: request } : request);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return Promise.reject(
        new ConnectorError(
          this.name,
          `bad extract request: ${issue?.path.join('.') ?? ''} ${issue?.message ?? 'invalid'}`,
        ),
      );
    }
    const req = parsed.data;
    const base = this.config.baseUrl.endsWith('/') ? this.config.baseUrl : `${this.config.baseUrl}/`;
    const url = new URL(req.path.replace(/^\//, ''), base);
    for (const [key, value] of Object.entries(req.params))
      url.searchParams.set(key, windowText(String(value), ctx.window));
    const client = new HttpClient(this.name, this.config, (message) =>
      ctx.log.warn(`connector '${this.name}': ${message}`),
    );
    const name = this.name;
    const pagination: Pagination = req.pagination;
    async function* pages(): AsyncGenerator<RowBatch> {
      let state = {
        url: firstPage[pagination.style](pagination, url),
        page: pagination.style === 'page' ? pagination.first : 1,
        offset: 0,
      };
      for (let n = 1; ; n++) {
        ctx.signal.throwIfAborted();
        const response = await client.getJson(state.url, ctx.signal);
        const items = req.itemsPath ? pathValue(response.body, req.itemsPath) : response.body;
        if (!Array.isArray(items)) {
          throw new ConnectorError(
            name,
            `GET ${response.url}: expected an array at ${req.itemsPath ?? 'the top of the body'}; use itemsPath`,
          );
        }
        const bad = items.findIndex(
          (item) => typeof item !== 'object' || item === null || Array.isArray(item),
        );
        if (bad >= 0) throw new ConnectorError(name, `GET ${response.url}: item ${bad + 1} is not an object`);
        if (items.length)
          yield {
            ...objectsToBatch(items as Record<string, unknown>[], response.url),
            lines: items.map((_, i) => state.offset + i + 1),
          };
        const next = (
          nextPage[pagination.style] as (p: Pagination, s: typeof state, o: object) => URL | null
        )(pagination, state, {
          items: items.length,
          body: response.body,
          headers: response.headers,
        });
        if (!next) return;
        if (n >= req.maxPages)
          throw new ConnectorError(name, `GET ${response.url}: more than maxPages (${req.maxPages}) pages`);
        state = { url: next, page: state.page + 1, offset: state.offset + items.length };
      }
    }
    return Promise.resolve({ kind: 'rows', batches: pages() });
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

function windowText(value: string, window: LoadWindow): string {
  return value.replace(/\{(start_load_date|end_load_date)(:date)?\}/g, (_m, key: string, asDate?: string) => {
    const date = key === 'start_load_date' ? window.start : window.end;
    return asDate ? date.toISOString().slice(0, 10) : date.toISOString();
  });
}
