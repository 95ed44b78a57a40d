import path from 'node:path';
import type { TaskContext, TaskResult } from '../core/types.js';
import { UsageError } from '../core/errors.js';
import { withOptionCheck } from '../core/option-check.js';
import { loadTable, type LoadMode } from '../db/load-table.js';
import { loadMapping, type Mapping } from '../transform/mapping.js';
import { writeRejects } from '../transform/rejects.js';
import { transformRows, type MappingFunctions } from '../transform/transform-rows.js';
import { checkExtractLoadOptions } from './extract-load-options.js';
import type { ExtractRequest } from '../core/types.js';
import { parseTableName } from '../db/table-name.js';

export interface ExtractLoadOptions {
  /** Connector name in config/dwh.yaml. */
  source: string;
  /** SQL for postgres/mysql sources. */
  query?: string;
  /** File or glob for file sources, path for http sources. */
  path?: string;
  /** The connector's full request object (params, pagination, format…); wins over query/path. */
  request?: Record<string, unknown>;
  /** Target table, `table` or `schema.table`. */
  target: string;
  /** (Default: 'append') */
  mode?: LoadMode;
  /** Date column compared with the window by mode 'delete-window'. */
  windowColumn?: string;
  /** Target columns when no mapping is used. (Default: the source's columns) */
  columns?: string[];
  /**
   * Transform rows with a mapping: its name in `metadata/mapping.yaml`, or one made with `defineMapping`.
   * Without a mapping, CSV files and PostgreSQL sources go to COPY as bytes (pass-through).
   */
  mapping?: string | Mapping;
  /** Functions a mapping names in `fn`, e.g. `import * as worker from './worker.js'`. */
  functions?: MappingFunctions;
}

/**
 * Moves one source into one table: `task('load_orders', partial(extractLoad, { source: 'shop', query: '…',
 * target: 'stg_orders', mode: 'delete-window', windowColumn: 'ordered_at' }))`. Reports records and, with a
 * mapping's dateColumn, the data min/max dates; rejected rows go to `<ts>_rejects.csv` in the output folder.
 */
export const extractLoad = withOptionCheck(async function extractLoad(
  ctx: TaskContext,
  options: ExtractLoadOptions,
): Promise<TaskResult> {
  const request: ExtractRequest | undefined = options.request ?? options.query ?? options.path;
  if (request === undefined)
    throw new UsageError(`extractLoad from '${options.source}': give query, path or request`);
  const mapping =
    options.mapping === undefined
      ? null
      : typeof options.mapping === 'string'
        ? loadMapping(ctx.projectDir, options.mapping)
        : options.mapping;
  const connector = await ctx.connector(options.source);
  const extractContext = {
    window: ctx.window,
    runId: ctx.runId,
    projectDir: ctx.projectDir,
    signal: ctx.signal,
    log: ctx.log,
  };
  const source = await connector.extract(
    request,
    extractContext,
    mapping ? { prefer: 'rows', emptyField: mapping.emptyField } : { prefer: 'bytes' },
  );
  const target = {
    ...parseTableName(options.target),
    ...(options.mode ? { mode: options.mode } : {}),
    ...(options.windowColumn ? { windowColumn: options.windowColumn } : {}),
  };
  if (!mapping) {
    const result = await loadTable(
      ctx,
      { ...target, ...(options.columns ? { columns: options.columns } : {}) },
      source,
    );
    return { records: result.records, table: options.target };
  }
  if (source.kind !== 'rows')
    throw new UsageError(`connector '${options.source}' returned bytes where rows were asked for`);
  const rows = transformRows(source.batches, mapping, options.functions);
  const result = await loadTable(ctx, target, { kind: 'rows', batches: rows });
  const { stats } = rows;
  if (stats.filtered) ctx.log.info(`mapping '${mapping.name}': ${stats.filtered} rows filtered out`);
  if (stats.rejected) {
    const file = await writeRejects(ctx.output, rows.rejects);
    ctx.log.warn(
      `mapping '${mapping.name}': ${stats.rejected} rows rejected, written to ${file ? path.basename(file) : '?'}`,
    );
  }
  return {
    records: result.records,
    table: options.target,
    rejected: stats.rejected,
    dataMinDate: stats.dataMinDate,
    dataMaxDate: stats.dataMaxDate,
  };
}, checkExtractLoadOptions);
