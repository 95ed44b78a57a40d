import type { Knex } from 'knex';
import { errorMessage } from '../core/errors.js';
import type { TaskContext } from '../core/types.js';
import { derivedName, MAX_IDENTIFIER_BYTES } from './derived-name.js';
import { mergeDimensionSql, createDimensionSql, type DimensionSpec } from './scd-dimension-sql.js';
import { requireColumns } from './sql-fragments.js';
import { tableLabel } from '../db/table-name.js';
import { requireTableColumns, tableColumns } from './table-columns.js';
import { inTransaction, type TxQuery } from './transaction.js';
import { WarehouseError } from './warehouse-error.js';

/** Columns every dimension carries besides its attributes. */
const DIMENSION_HOUSEKEEPING = [
  'row_hash',
  'scd1_hash',
  'valid_from',
  'valid_to',
  'is_current',
  'run_id',
] as const;

export interface ScdDimensionOptions {
  /** The dimension table, created on the first load. */
  table: string;
  /** Schema of the dimension. (Default: the search path, usually `public`) */
  schema?: string;
  /** The staging table holding the complete current state of the source, one row per natural key. */
  source: string;
  /** Schema of the staging table. (Default: `schema`) */
  sourceSchema?: string;
  naturalKey: string[];
  /** Attributes whose change closes the current version and opens a new one. (Default: none) */
  scd2?: string[];
  /** Attributes overwritten on every version of the key when they change (Kimball type 1). (Default: none) */
  scd1?: string[];
  /** The surrogate key column. (Default: the table name without a `dim_` prefix, plus `_key`) */
  surrogateKey?: string;
  /** A staging timestamp column with each row's effective time. (Default: the run's end_load_date) */
  effectiveFrom?: string;
  /**
   * A staging timestamp column with the start of a new key's first version, e.g. its creation time, so facts
   * from before its latest change still find it. A key that comes back after a delete starts at the
   * effective time. (Default: the effective time)
   */
  firstVersionFrom?: string;
  /** Keys absent from staging: `ignore` them, or `close` their current version. (Default: 'ignore') */
  deletes?: 'ignore' | 'close';
}

/** Rows written by one load. */
export interface DimensionLoadResult {
  /** New versions: new keys, changed keys, keys that came back. */
  inserted: number;
  /** Versions closed because a type-2 attribute changed. */
  closed: number;
  /** Versions closed because the key left the source (`deletes: 'close'`). */
  deleted: number;
  /** Versions whose type-1 attributes were overwritten. */
  updated: number;
  /** Current versions corrected in place (same window loaded again with different type-2 values). */
  corrected: number;
}

export interface ScdDimension {
  kind: 'scd_dimension';
  spec: Readonly<DimensionSpec>;
  /** Task function: merges staging into the dimension for the run's window and reports the rows written. */
  load: (ctx: TaskContext) => Promise<void>;
  /** The merge itself, for callers outside a run: one transaction, effective time `end` by default. */
  merge(db: Knex, options: { end: Date; runId?: number }): Promise<DimensionLoadResult>;
  /** Creates the dimension (and its invariants) when it does not exist yet. */
  ensure(db: Knex): Promise<void>;
}

/** Declares an SCD1/SCD2 dimension loaded from a staging table (see README: Warehouse layer). */
export function scdDimension(options: ScdDimensionOptions): ScdDimension {
  const spec = validate(options);
  const merge = (db: Knex, run: { end: Date; runId?: number }) =>
    inTransaction(db, async (query) => {
      await ensureDimension(query, spec);
      return mergeDimension(query, spec, run.end, run.runId ?? null);
    });
  return {
    kind: 'scd_dimension',
    spec,
    merge,
    ensure: (db) => inTransaction(db, (query) => ensureDimension(query, spec)),
    async load(ctx) {
      const result = await merge(ctx.db, { end: ctx.window.end, runId: ctx.runId });
      ctx.log.info(
        `${spec.table}: ${result.inserted} inserted, ${result.closed} closed, ${result.deleted} closed as deleted, ` +
          `${result.updated} updated (type 1), ${result.corrected} corrected`,
      );
      ctx.report({
        records: result.inserted + result.closed + result.deleted + result.updated + result.corrected,
        table: tableLabel(spec),
      });
    },
  };
}

function validate(options: ScdDimensionOptions): DimensionSpec {
  const where = `scdDimension(${options.table})`;
  if (!options.table) throw new WarehouseError('scdDimension: table is required');
  if (!options.source) throw new WarehouseError(`${where}: source (the staging table) is required`);
  if (Buffer.byteLength(options.table) > MAX_IDENTIFIER_BYTES)
    throw new WarehouseError(
      `${where}: the table name is ${Buffer.byteLength(options.table)} bytes; PostgreSQL keeps ${MAX_IDENTIFIER_BYTES}`,
    );
  const naturalKey = requireColumns(`${where}: naturalKey`, options.naturalKey);
  const scd2 = requireColumns(`${where}: scd2`, options.scd2, true);
  const scd1 = requireColumns(`${where}: scd1`, options.scd1, true);
  const surrogateKey = options.surrogateKey ?? `${options.table.replace(/^dim_/, '')}_key`;
  const all = [surrogateKey, ...naturalKey, ...scd2, ...scd1];
  const twice = all.filter((c, i) => all.indexOf(c) !== i);
  if (twice.length)
    throw new WarehouseError(`${where}: column(s) ${twice.join(', ')} listed in more than one role`);
  const reserved = all.filter((c) => (DIMENSION_HOUSEKEEPING as readonly string[]).includes(c));
  if (reserved.length) {
    throw new WarehouseError(
      `${where}: ${reserved.join(', ')} is a column the dimension manages itself (${DIMENSION_HOUSEKEEPING.join(', ')})`,
    );
  }
  const deletes = options.deletes ?? 'ignore';
  if (deletes !== 'ignore' && deletes !== 'close')
    throw new WarehouseError(
      `${where}: deletes must be 'ignore' or 'close' (got ${JSON.stringify(deletes)})`,
    );
  return {
    ...(options.schema ? { schema: options.schema } : {}),
    table: options.table,
    source: options.source,
    ...((options.sourceSchema ?? options.schema)
      ? { sourceSchema: options.sourceSchema ?? options.schema }
      : {}),
    surrogateKey,
    naturalKey: [...naturalKey],
    scd2: [...scd2],
    scd1: [...scd1],
    effectiveFrom: options.effectiveFrom ?? null,
    firstVersionFrom: options.firstVersionFrom ?? null,
    deletes,
  };
}

async function ensureDimension(query: TxQuery, spec: DimensionSpec): Promise<void> {
  const attributes = [...spec.naturalKey, ...spec.scd2, ...spec.scd1];
  const source = await requireTableColumns(
    query,
    { ...(spec.sourceSchema ? { schema: spec.sourceSchema } : {}), table: spec.source },
    [...attributes, ...[spec.effectiveFrom, spec.firstVersionFrom].filter((c): c is string => c !== null)],
    `staging (source of ${spec.table})`,
  );
  const existing = await tableColumns(query, spec);
  if (existing) {
    const names = new Set(existing.map((c) => c.name));
    const missing = [spec.surrogateKey, ...attributes, ...DIMENSION_HOUSEKEEPING].filter(
      (c) => !names.has(c),
    );
    if (missing.length) {
      throw new WarehouseError(
        `dimension ${spec.table} exists but has no column(s) ${missing.join(', ')}: add them with ALTER TABLE in alter_tables.sql`,
      );
    }
    return;
  }
  const types = new Map(attributes.map((c) => [c, source.get(c)!.type]));
  for (const statement of createDimensionSql(spec, types)) await query(statement);
}

async function mergeDimension(
  query: TxQuery,
  spec: DimensionSpec,
  end: Date,
  runId: number | null,
): Promise<DimensionLoadResult> {
  const sql = mergeDimensionSql(spec, end, runId ?? 0);
  const result: DimensionLoadResult = { inserted: 0, closed: 0, deleted: 0, updated: 0, corrected: 0 };
  try {
    if (sql.scd1) result.updated = (await query<{ n: number }>(sql.scd1))[0]!.n;
    if (sql.scd2) {
      const [row] = await query<{ closed: number; corrected: number }>(sql.scd2);
      result.closed = row!.closed;
      result.corrected = row!.corrected;
    }
    if (sql.deletes) result.deleted = (await query<{ n: number }>(sql.deletes))[0]!.n;
    result.inserted = (await query<{ n: number }>(sql.insert))[0]!.n;
  } catch (error) {
    throw explain(spec, end, error);
  }
  return result;
}

/** Turns a broken invariant into a message that says what went wrong in terms of the load. */
function explain(spec: DimensionSpec, end: Date, error: unknown): Error {
  const message = errorMessage(error);
  const at = spec.effectiveFrom
    ? `staging column ${spec.effectiveFrom}`
    : `end_load_date ${end.toISOString()}`;
  const hints: Array<[string, string]> = [
    [
      derivedName(spec.table, 'validity_check'),
      `an effective time (${at}) is not after the start of the current version: loads of a dimension must move forward in time`,
    ],
    [
      derivedName(spec.table, 'no_overlap'),
      `a new version would overlap an existing one of the same key: staging ${spec.source} holds the key more ` +
        `than once, or the effective time (${at}) lies before the end of an earlier version`,
    ],
    [
      derivedName(spec.table, 'current_uq'),
      `staging ${spec.source} holds a natural key (${spec.naturalKey.join(', ')}) more than once`,
    ],
    [
      derivedName(spec.table, 'natural_key_check'),
      `staging ${spec.source} has a row with a NULL natural key`,
    ],
  ];
  const hint = hints.find(([name]) => message.includes(name));
  // the server's detail names the offending key, e.g. "Key (customer_id, …)=(2, …) conflicts with …"
  const detail = (error as { detail?: unknown }).detail;
  return new WarehouseError(
    `loading dimension ${spec.table} failed, nothing was written${hint ? `: ${hint[1]}` : ''} (${message}` +
      `${typeof detail === 'string' && detail ? `; ${detail}` : ''})`,
    { cause: error },
  );
}
