import { quoteIdent } from '../db/quote.js';
import { derivedName } from './derived-name.js';
import { columnList } from './sql-fragments.js';
import type { Sql } from '../db/sql.js';
import { tableIdent, type TableName } from '../db/table-name.js';
import { UNKNOWN_KEY } from './scd-dimension-sql.js';

/** One dimension a fact points at, resolved from the declaration. */
export interface FactLookup {
  /** The dimension table. */
  dimension: TableName;
  /** Its surrogate key column. */
  key: string;
  /** The column holding the surrogate key in the fact. (Default: `key`) */
  factKey: string;
  /** The dimension's natural key columns… */
  dimensionKey: string[];
  /** …and the staging columns holding them, in the same order. */
  naturalKey: string[];
  /** Staging column of the event time for point-in-time lookups (versioned dimensions only). */
  asOf: string | null;
  /**
   * Point-in-time lookups of an event before the key's first version: that first version, or the unknown
   * member (strict point in time).
   */
  beforeFirstVersion: 'first-version' | 'unknown';
  /** The dimension has versions (`valid_from`, `valid_to`, `is_current`). */
  versioned: boolean;
  /** A missing member: the unknown member −1, or an inferred member inserted into the dimension. */
  missing: 'unknown' | 'inferred';
  /** The largest share of facts allowed to point at the unknown member, or null for no limit. */
  maxUnknownRatio: number | null;
  /** Versioned dimensions: number of type-2 and type-1 attributes (for the hashes of an inferred member). */
  attributeCounts?: { scd2: number; scd1: number };
}

export interface FactSpec {
  table: TableName;
  source: TableName;
  grain: string[];
  dateColumn: string;
  partition: 'month' | 'day' | 'none';
  lookups: FactLookup[];
  /** Further staging columns copied to the fact as they are (measures, degenerate dimensions). */
  measures: string[];
}

/** Staging columns the fact copies, in table order (the date column once, even when it is part of the grain). */
export function copiedColumns(spec: FactSpec): string[] {
  return [...new Set([...spec.grain, spec.dateColumn, ...spec.measures])];
}

/** `CREATE TABLE IF NOT EXISTS` for the fact with its keys, foreign keys and lookup indexes. */
export function createFactSql(
  spec: FactSpec,
  types: Map<string, string>,
  keyTypes: Map<string, string>,
): Sql[] {
  const fact = tableIdent(spec.table);
  const name = (suffix: string) => quoteIdent(derivedName(spec.table.table, suffix));
  const keys = spec.lookups.map((l) => `  ${quoteIdent(l.factKey)} ${keyTypes.get(l.factKey)!} NOT NULL`);
  const columns = copiedColumns(spec).map(
    (c) =>
      `  ${quoteIdent(c)} ${types.get(c)!}${spec.grain.includes(c) || c === spec.dateColumn ? ' NOT NULL' : ''}`,
  );
  const primaryKey = spec.partition === 'none' ? spec.grain : [...new Set([...spec.grain, spec.dateColumn])];
  const foreignKeys = spec.lookups.map(
    (l) =>
      `  CONSTRAINT ${name(`${l.factKey}_fk`)} FOREIGN KEY (${quoteIdent(l.factKey)}) REFERENCES ${tableIdent(l.dimension)} (${quoteIdent(l.key)})`,
  );
  const partitionBy = spec.partition === 'none' ? '' : ` PARTITION BY RANGE (${quoteIdent(spec.dateColumn)})`;
  return [
    {
      text: `CREATE TABLE IF NOT EXISTS ${fact} (
${[...keys, ...columns, '  run_id bigint', `  CONSTRAINT ${name('pk')} PRIMARY KEY (${columnList(primaryKey)})`, ...foreignKeys].join(',\n')}
)${partitionBy}`,
      values: [],
    },
    // window reloads delete by date; star joins and foreign-key checks go through the surrogate keys
    {
      text: `CREATE INDEX IF NOT EXISTS ${name(`${spec.dateColumn}_idx`)} ON ${fact} (${quoteIdent(spec.dateColumn)})`,
      values: [],
    },
    ...spec.lookups.map((l) => ({
      text: `CREATE INDEX IF NOT EXISTS ${name(`${l.factKey}_idx`)} ON ${fact} (${quoteIdent(l.factKey)})`,
      values: [],
    })),
  ];
}

/** Rows of the window: `[start, end)` on the date column (`$1`, `$2`). */
const inWindow = (spec: FactSpec, alias: string) =>
  `${alias}.${quoteIdent(spec.dateColumn)} >= $1::timestamptz AND ${alias}.${quoteIdent(spec.dateColumn)} < $2::timestamptz`;

/** The first days of the partition buckets the window's staging rows fall into. Returns `bucket` text. */
export function neededBucketsSql(spec: FactSpec, start: Date, end: Date): Sql {
  const grain = spec.partition === 'day' ? 'day' : 'month';
  return {
    text: `SELECT DISTINCT date_trunc('${grain}', s.${quoteIdent(spec.dateColumn)}::timestamptz AT TIME ZONE 'UTC')::date::text AS bucket
FROM ${tableIdent(spec.source)} s WHERE ${inWindow(spec, 's')} ORDER BY 1`,
    values: [start, end],
  };
}

/** Deletes the window's rows of the fact. Returns `n`. */
export function deleteWindowSql(spec: FactSpec, start: Date, end: Date): Sql {
  return {
    text: `WITH deleted AS (DELETE FROM ${tableIdent(spec.table)} f WHERE ${inWindow(spec, 'f')} RETURNING 1)
SELECT count(*)::int AS n FROM deleted`,
    values: [start, end],
  };
}

/** The join condition of one lookup: natural key, plus validity at the event time or the current version. */
function lookupJoin(lookup: FactLookup, alias: string): string {
  const keys = lookup.dimensionKey.map(
    (c, i) => `${alias}.${quoteIdent(c)} = s.${quoteIdent(lookup.naturalKey[i]!)}`,
  );
  if (lookup.versioned && lookup.asOf) {
    const at = `s.${quoteIdent(lookup.asOf)}::timestamptz`;
    if (lookup.beforeFirstVersion === 'unknown') {
      keys.push(`${at} >= ${alias}.valid_from`, `${at} < ${alias}.valid_to`);
    } else {
      // the key existed before the dimension first saw it: its first version stretches back in time
      const earlier = lookup.dimensionKey
        .map((c) => `e.${quoteIdent(c)} = ${alias}.${quoteIdent(c)}`)
        .join(' AND ');
      keys.push(
        `${at} < ${alias}.valid_to`,
        `(${at} >= ${alias}.valid_from OR NOT EXISTS (SELECT 1 FROM ${tableIdent(lookup.dimension)} e WHERE ${earlier} AND e.valid_from < ${alias}.valid_from))`,
      );
    }
  } else if (lookup.versioned) {
    keys.push(`${alias}.is_current`);
  }
  return keys.join(' AND ');
}

/**
 * Inferred members: natural keys of the window that the dimension has never seen get a version with empty
 * attributes valid for all time, so facts can point at them now; the next dimension load closes it and
 * inserts the real values. Returns `n`.
 */
export function insertInferredSql(
  spec: FactSpec,
  lookup: FactLookup,
  start: Date,
  end: Date,
  runId: number,
): Sql {
  const counts = lookup.attributeCounts ?? { scd2: 0, scd1: 0 };
  // the row text of n NULLs is `(,…,)`: the same hash the dimension computes for all-NULL attributes
  const nulls = (n: number) => (n === 0 ? '' : `(${','.repeat(n - 1)})`);
  const source = lookup.naturalKey.map(
    (c, i) => `s.${quoteIdent(c)} AS ${quoteIdent(lookup.dimensionKey[i]!)}`,
  );
  const present = lookup.naturalKey.map((c) => `s.${quoteIdent(c)} IS NOT NULL`).join(' AND ');
  const known = lookup.dimensionKey
    .map((c, i) => `d.${quoteIdent(c)} = s.${quoteIdent(lookup.naturalKey[i]!)}`)
    .join(' AND ');
  return {
    text: `WITH inferred AS (
  INSERT INTO ${tableIdent(lookup.dimension)} (${columnList(lookup.dimensionKey)}, row_hash, scd1_hash, valid_from, valid_to, is_current, run_id)
  SELECT DISTINCT ${source.join(', ')}, md5($3)::uuid, md5($4)::uuid, '-infinity'::timestamptz, 'infinity'::timestamptz, true, $5::bigint
  FROM ${tableIdent(spec.source)} s
  WHERE ${inWindow(spec, 's')} AND ${present}
    AND NOT EXISTS (SELECT 1 FROM ${tableIdent(lookup.dimension)} d WHERE ${known})
  RETURNING 1
)
SELECT count(*)::int AS n FROM inferred`,
    values: [start, end, nulls(counts.scd2), nulls(counts.scd1), runId],
  };
}

/**
 * Inserts the window's staging rows with their surrogate keys; a member that cannot be found becomes the
 * unknown member. Returns `n`, `min_date`, `max_date` and `missing_<i>` per lookup.
 */
export function insertFactsSql(spec: FactSpec, start: Date, end: Date, runId: number): Sql {
  const copied = copiedColumns(spec);
  const keys = spec.lookups.map((l, i) => `COALESCE(d${i}.${quoteIdent(l.key)}, ${UNKNOWN_KEY})`);
  const joins = spec.lookups.map(
    (l, i) => `LEFT JOIN ${tableIdent(l.dimension)} d${i} ON ${lookupJoin(l, `d${i}`)}`,
  );
  const missing = spec.lookups.map(
    (l, i) => `count(*) FILTER (WHERE ${quoteIdent(l.factKey)} = ${UNKNOWN_KEY})::int AS missing_${i}`,
  );
  const date = quoteIdent(spec.dateColumn);
  return {
    text: `WITH inserted AS (
  INSERT INTO ${tableIdent(spec.table)} (${columnList([...spec.lookups.map((l) => l.factKey), ...copied])}, run_id)
  SELECT ${[...keys, columnList(copied, 's')].join(', ')}, $3::bigint
  FROM ${tableIdent(spec.source)} s
  ${joins.join('\n  ')}
  WHERE ${inWindow(spec, 's')}
  RETURNING ${columnList([...spec.lookups.map((l) => l.factKey), spec.dateColumn])}
)
SELECT ${['count(*)::int AS n', `min(${date}) AS min_date`, `max(${date}) AS max_date`, ...missing].join(', ')}
FROM inserted`,
    values: [start, end, runId],
  };
}
