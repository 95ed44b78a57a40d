import type { Knex } from 'knex';
import type { TaskContext } from '../core/types.js';
import {
  copiedColumns,
  createFactSql,
  deleteWindowSql,
  insertFactsSql,
  insertInferredSql,
  neededBucketsSql,
  type FactLookup,
  type FactSpec,
} from './fact-table-sql.js';
import { MAX_IDENTIFIER_BYTES } from './derived-name.js';
import { bucketsInside, createPartitionSql, partitionName, type PartitionGrain } from './partitions.js';
import type { ScdDimension } from './scd-dimension.js';
import { requireColumns } from './sql-fragments.js';
import { tableIdent, tableLabel } from '../db/table-name.js';
import { requireTableColumns, tableColumns } from './table-columns.js';
import { inTransaction, type TxQuery } from './transaction.js';
import { UnknownMembersError, WarehouseError } from './warehouse-error.js';

/** A dimension that is a plain table with a unique natural key (a date dimension, a static list). */
export interface PlainLookup {
  table: string;
  schema?: string;
  /** Surrogate key column. */
  key: string;
  /** Natural key columns of the table. */
  naturalKey: string[];
}

export interface FactDimension {
  /** The dimension: an `scdDimension(...)` or a plain table. */
  lookup: ScdDimension | PlainLookup;
  /** Staging columns holding the dimension's natural key, in its order. */
  naturalKey: string[];
  /**
   * Versioned dimensions: the staging column whose time picks the version (point in time), or `false` for
   * the current version. (Default: the fact's dateColumn)
   */
  asOf?: string | false;
  /** A member that is not found: the unknown member −1, or an inferred member. (Default: 'unknown') */
  missing?: 'unknown' | 'inferred';
  /**
   * Point-in-time lookups of a fact dated before its key's first version: `'first-version'` maps it to that
   * version (the key existed, the dimension had not seen it yet: a first load of a dimension starts its
   * versions at the run's end), `'unknown'` is strict point in time and maps it to −1.
   * (Default: 'first-version')
   */
  beforeFirstVersion?: 'first-version' | 'unknown';
  /** The largest share of the window's facts allowed to point at −1 for this dimension. (Default: the fact's) */
  maxUnknownRatio?: number;
  /** Name of the surrogate key column in the fact. (Default: the dimension's key name) */
  factKey?: string;
}

export interface FactTableOptions {
  table: string;
  schema?: string;
  /** Staging table with the rows to load. */
  source: string;
  /** Schema of the staging table. (Default: `schema`) */
  sourceSchema?: string;
  /** Columns that identify one fact row (the primary key, with the date column when partitioned). */
  grain: string[];
  /** Event date/time column: the run's window selects on it, partitions split on it. */
  dateColumn: string;
  /** Range partitions by month or day, created on demand. (Default: 'none') */
  partition?: 'month' | 'day' | 'none';
  dimensions?: FactDimension[];
  /** Other staging columns copied as they are: measures, degenerate dimensions. (Default: none) */
  measures?: string[];
  /**
   * The largest share (0…1) of the window's facts that may point at the unknown member −1 of any one
   * dimension; above it the load fails with a data error (not retried) and writes nothing. (Default: no
   * limit: the share is logged and reported as a warning)
   */
  maxUnknownRatio?: number;
}

export interface FactLoadResult {
  inserted: number;
  /** Rows of the window removed before the insert (deleted or in truncated partitions). */
  replaced: number;
  /** Per dimension table: fact rows whose member was not found (pointing at −1). */
  missing: Record<string, number>;
  /** Per dimension table: the share of the inserted rows pointing at −1 (0 when nothing was inserted). */
  unknownRatio: Record<string, number>;
  /** Per dimension table: inferred members inserted. */
  inferred: Record<string, number>;
  partitionsCreated: string[];
  partitionsTruncated: string[];
  dataMinDate: Date | string | null;
  dataMaxDate: Date | string | null;
}

export interface FactTable {
  kind: 'fact_table';
  spec: Readonly<FactSpec>;
  /** Task function: reloads the run's window and reports rows, dates and missing members. */
  load: (ctx: TaskContext) => Promise<void>;
  /** The reload itself: `[start, end)` replaced in one transaction. */
  reload(db: Knex, window: { start: Date; end: Date; runId?: number }): Promise<FactLoadResult>;
}

/** Declares a fact table loaded from staging with surrogate-key lookups (see README: Warehouse layer). */
export function factTable(options: FactTableOptions): FactTable {
  const spec = validate(options);
  const reload: FactTable['reload'] = (db, window) =>
    inTransaction(db, (query) => reloadWindow(query, spec, window.start, window.end, window.runId ?? 0));
  return {
    kind: 'fact_table',
    spec,
    reload,
    async load(ctx) {
      const result = await reload(ctx.db, { start: ctx.window.start, end: ctx.window.end, runId: ctx.runId });
      const warnings: string[] = [];
      for (const [dimension, count] of Object.entries(result.missing)) {
        if (!count) continue;
        const line = unknownLine(spec.table.table, dimension, count, result.inserted);
        ctx.log.warn(line);
        warnings.push(line);
      }
      for (const [dimension, count] of Object.entries(result.inferred)) {
        if (count) ctx.log.warn(`${count} inferred member(s) inserted into ${dimension}`);
      }
      if (result.partitionsCreated.length)
        ctx.log.info(`partitions created: ${result.partitionsCreated.join(', ')}`);
      ctx.log.info(
        `${spec.table.table}: ${result.replaced} row(s) of the window replaced by ${result.inserted}`,
      );
      ctx.report({
        records: result.inserted,
        table: tableLabel(spec.table),
        dataMinDate: result.dataMinDate,
        dataMaxDate: result.dataMaxDate,
        warnings,
      });
    },
  };
}

/** `3 of 40 row(s) of fact_sales (7.5%) have no member in dim_customer: key -1` */
function unknownLine(fact: string, dimension: string, count: number, total: number): string {
  return `${count} of ${total} row(s) of ${fact} (${percent(count, total)}) have no member in ${dimension}: key -1`;
}

const percent = (count: number, total: number) =>
  `${total ? Number(((100 * count) / total).toFixed(1)) : 0}%`;

function validate(options: FactTableOptions): FactSpec {
  const where = `factTable(${options.table})`;
  if (!options.table) throw new WarehouseError('factTable: table is required');
  if (!options.source) throw new WarehouseError(`${where}: source (the staging table) is required`);
  if (Buffer.byteLength(options.table) > MAX_IDENTIFIER_BYTES)
    throw new WarehouseError(
      `${where}: the table name is ${Buffer.byteLength(options.table)} bytes; PostgreSQL keeps ${MAX_IDENTIFIER_BYTES}`,
    );
  const grain = requireColumns(`${where}: grain`, options.grain);
  if (!options.dateColumn) throw new WarehouseError(`${where}: dateColumn is required`);
  const partition = options.partition ?? 'none';
  if (!['month', 'day', 'none'].includes(partition))
    throw new WarehouseError(
      `${where}: partition must be 'month', 'day' or 'none' (got ${JSON.stringify(partition)})`,
    );
  const maxUnknownRatio = ratioOption(`${where}: maxUnknownRatio`, options.maxUnknownRatio);
  const lookups = (options.dimensions ?? []).map((d, i) =>
    resolveLookup(`${where}: dimensions[${i}]`, d, options, maxUnknownRatio),
  );
  const factKeys = lookups.map((l) => l.factKey);
  const copied = [...grain, options.dateColumn, ...(options.measures ?? [])];
  const clash = factKeys.filter((k, i) => factKeys.indexOf(k) !== i || copied.includes(k));
  if (clash.length)
    throw new WarehouseError(
      `${where}: fact key column(s) ${clash.join(', ')} clash; set factKey on the dimension`,
    );
  const schema = options.schema ? { schema: options.schema } : {};
  const sourceSchema =
    (options.sourceSchema ?? options.schema) ? { schema: options.sourceSchema ?? options.schema! } : {};
  return {
    table: { ...schema, table: options.table },
    source: { ...sourceSchema, table: options.source },
    grain: [...grain],
    dateColumn: options.dateColumn,
    partition,
    lookups,
    measures: [...requireColumns(`${where}: measures`, options.measures, true)],
  };
}

function ratioOption(where: string, value: number | undefined): number | null {
  if (value === undefined) return null;
  if (typeof value !== 'number' || !(value >= 0 && value <= 1))
    throw new WarehouseError(`${where} must be a number from 0 to 1 (got ${JSON.stringify(value)})`);
  return value;
}

function resolveLookup(
  where: string,
  d: FactDimension,
  options: FactTableOptions,
  factMaxUnknownRatio: number | null,
): FactLookup {
  const naturalKey = [...requireColumns(`${where}.naturalKey`, d.naturalKey)];
  const missing = d.missing ?? 'unknown';
  if (missing !== 'unknown' && missing !== 'inferred')
    throw new WarehouseError(
      `${where}.missing must be 'unknown' or 'inferred' (got ${JSON.stringify(missing)})`,
    );
  const beforeFirstVersion = d.beforeFirstVersion ?? 'first-version';
  if (beforeFirstVersion !== 'first-version' && beforeFirstVersion !== 'unknown')
    throw new WarehouseError(
      `${where}.beforeFirstVersion must be 'first-version' or 'unknown' (got ${JSON.stringify(beforeFirstVersion)})`,
    );
  const maxUnknownRatio = ratioOption(`${where}.maxUnknownRatio`, d.maxUnknownRatio) ?? factMaxUnknownRatio;
  if ('kind' in d.lookup && d.lookup.kind === 'scd_dimension') {
    const dim = d.lookup.spec;
    if (naturalKey.length !== dim.naturalKey.length)
      throw new WarehouseError(
        `${where}.naturalKey has ${naturalKey.length} column(s); ${dim.table} has a natural key of ${dim.naturalKey.length}`,
      );
    return {
      dimension: { ...(dim.schema ? { schema: dim.schema } : {}), table: dim.table },
      key: dim.surrogateKey,
      factKey: d.factKey ?? dim.surrogateKey,
      dimensionKey: [...dim.naturalKey],
      naturalKey,
      asOf: d.asOf === false ? null : (d.asOf ?? options.dateColumn),
      beforeFirstVersion,
      versioned: true,
      missing,
      maxUnknownRatio,
      attributeCounts: { scd2: dim.scd2.length, scd1: dim.scd1.length },
    };
  }
  const plain = d.lookup as PlainLookup;
  if (!plain.table || !plain.key) throw new WarehouseError(`${where}.lookup needs table and key`);
  const dimensionKey = [...requireColumns(`${where}.lookup.naturalKey`, plain.naturalKey)];
  if (naturalKey.length !== dimensionKey.length)
    throw new WarehouseError(`${where}.naturalKey must have as many columns as ${plain.table}'s natural key`);
  if (missing === 'inferred')
    throw new WarehouseError(
      `${where}: inferred members need an scdDimension; ${plain.table} is a plain table`,
    );
  return {
    dimension: { ...(plain.schema ? { schema: plain.schema } : {}), table: plain.table },
    key: plain.key,
    factKey: d.factKey ?? plain.key,
    dimensionKey,
    naturalKey,
    asOf: null,
    beforeFirstVersion,
    versioned: false,
    missing,
    maxUnknownRatio,
  };
}

async function ensureFact(query: TxQuery, spec: FactSpec): Promise<Map<string, string>> {
  const needed = [
    ...new Set([
      ...copiedColumns(spec),
      ...spec.lookups.flatMap((l) => [...l.naturalKey, ...(l.asOf ? [l.asOf] : [])]),
    ]),
  ];
  const source = await requireTableColumns(
    query,
    spec.source,
    needed,
    `staging (source of ${spec.table.table})`,
  );
  const types = new Map([...source].map(([name, column]) => [name, column.type]));
  if (await tableColumns(query, spec.table)) return types;
  const keyTypes = new Map<string, string>();
  for (const lookup of spec.lookups) {
    const columns = await requireTableColumns(
      query,
      lookup.dimension,
      [lookup.key, ...lookup.dimensionKey],
      `dimension (looked up by ${spec.table.table}; load it first)`,
    );
    keyTypes.set(lookup.factKey, columns.get(lookup.key)!.type);
  }
  for (const statement of createFactSql(spec, types, keyTypes)) await query(statement);
  return types;
}

async function reloadWindow(
  query: TxQuery,
  spec: FactSpec,
  start: Date,
  end: Date,
  runId: number,
): Promise<FactLoadResult> {
  const types = await ensureFact(query, spec);
  const result: FactLoadResult = {
    inserted: 0,
    replaced: 0,
    missing: {},
    unknownRatio: {},
    inferred: {},
    partitionsCreated: [],
    partitionsTruncated: [],
    dataMinDate: null,
    dataMaxDate: null,
  };
  if (spec.partition !== 'none') {
    const grain: PartitionGrain = spec.partition;
    const dateType = types.get(spec.dateColumn)!;
    for (const { bucket } of await query<{ bucket: string }>(neededBucketsSql(spec, start, end))) {
      const name = partitionName(spec.table.table, bucket, grain);
      const exists = await query<{ t: string | null }>({
        text: 'SELECT to_regclass($1)::text AS t',
        values: [tableIdent({ ...spec.table, table: name })],
      });
      if (exists[0]?.t) continue;
      await query(createPartitionSql(spec.table, bucket, grain, dateType));
      result.partitionsCreated.push(name);
    }
    // a partition wholly inside the window is emptied with TRUNCATE: no dead rows, no long DELETE
    for (const bucket of bucketsInside(start, end, grain)) {
      const name = partitionName(spec.table.table, bucket, grain);
      const ident = tableIdent({ ...spec.table, table: name });
      const [exists] = await query<{ t: string | null }>({
        text: 'SELECT to_regclass($1)::text AS t',
        values: [ident],
      });
      if (!exists?.t) continue;
      const [count] = await query<{ n: number }>(`SELECT count(*)::int AS n FROM ${ident}`);
      await query(`TRUNCATE ${ident}`);
      result.replaced += count!.n;
      result.partitionsTruncated.push(name);
    }
  }
  result.replaced += (await query<{ n: number }>(deleteWindowSql(spec, start, end)))[0]!.n;
  for (const lookup of spec.lookups.filter((l) => l.missing === 'inferred')) {
    const [row] = await query<{ n: number }>(insertInferredSql(spec, lookup, start, end, runId));
    result.inferred[lookup.dimension.table] = row!.n;
  }
  const [row] = await query<Record<string, unknown>>(insertFactsSql(spec, start, end, runId));
  result.inserted = row!.n as number;
  result.dataMinDate = (row!.min_date as Date | string | null) ?? null;
  result.dataMaxDate = (row!.max_date as Date | string | null) ?? null;
  spec.lookups.forEach((lookup, i) => {
    const table = lookup.dimension.table;
    const unknown = row![`missing_${i}`] as number;
    result.missing[table] = (result.missing[table] ?? 0) + unknown;
    result.unknownRatio[table] = result.inserted ? result.missing[table] / result.inserted : 0;
    // thrown inside the transaction: a load over the threshold writes nothing
    const ratio = result.inserted ? unknown / result.inserted : 0;
    if (lookup.maxUnknownRatio !== null && ratio > lookup.maxUnknownRatio)
      throw new UnknownMembersError(
        spec.table.table,
        table,
        unknown,
        result.inserted,
        lookup.maxUnknownRatio,
      );
  });
  return result;
}
