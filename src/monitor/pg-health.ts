import { errorMessage } from '../core/errors.js';
import type { Warehouse, WarehouseKind } from '../db/connection.js';
import { redactText } from '../logging/redact.js';

/**
 * PostgreSQL health of the target database from the statistics views. Every section says whether it is
 * available on this kind of warehouse; on PGlite several are not, and the reason is shown instead of numbers
 * that would look healthy but mean nothing.
 */

type HealthSection =
  'tables' | 'unusedIndexes' | 'missingIndexHints' | 'cache' | 'longRunning' | 'blocked' | 'connections';

const SINGLE_BACKEND =
  'PGlite runs PostgreSQL as a single backend inside one process: there are no other sessions, so there is nothing to report';
const NO_TUPLE_STATS =
  'PGlite does not publish tuple and scan counters (pg_stat_user_tables stays at 0) and runs no autovacuum';

/** Why a section is missing on a kind of warehouse; null = available. */
const UNSUPPORTED: Record<HealthSection, Record<WarehouseKind, string | null>> = {
  tables: { postgres: null, pglite: null },
  unusedIndexes: { postgres: null, pglite: `${NO_TUPLE_STATS}, so index usage is unknown` },
  missingIndexHints: { postgres: null, pglite: `${NO_TUPLE_STATS}, so sequential scans are not counted` },
  cache: { postgres: null, pglite: null },
  longRunning: { postgres: null, pglite: SINGLE_BACKEND },
  blocked: { postgres: null, pglite: SINGLE_BACKEND },
  connections: { postgres: null, pglite: SINGLE_BACKEND },
};

export type Section<Row> =
  { available: true; rows: Row[]; note?: string } | { available: false; reason: string };

export interface TableHealth {
  schema: string;
  table: string;
  /** Null while another session holds or waits for an exclusive lock on the table (see `sizeOf`). */
  totalBytes: number | null;
  tableBytes: number | null;
  indexBytes: number | null;
  /** Tuple counters; null where the warehouse does not publish them (PGlite). */
  liveRows: number | null;
  deadRows: number | null;
  deadRatio: number | null;
  lastVacuum: Date | null;
  lastAnalyze: Date | null;
  /** Rows inserted / updated / deleted since the statistics were last reset: growth and churn. */
  inserted: number | null;
  updated: number | null;
  deleted: number | null;
}

interface IndexHealth {
  schema: string;
  table: string;
  index: string;
  bytes: number | null;
  scans: number;
}

interface SeqScanHint {
  schema: string;
  table: string;
  seqScans: number;
  rowsPerSeqScan: number;
  indexScans: number;
  liveRows: number;
}

interface CacheHealth {
  /** Blocks found in shared buffers / all blocks read, whole database. */
  databaseHitRatio: number | null;
  /** Same for table heap blocks of user tables. */
  tableHitRatio: number | null;
  blocksHit: number;
  blocksRead: number;
}

export interface SessionHealth {
  pid: number;
  user: string | null;
  state: string | null;
  waitEvent: string | null;
  runningForMs: number | null;
  blockedBy: number[];
  /** The statement, secrets masked and cut to 500 characters. */
  query: string;
}

interface ConnectionHealth {
  state: string;
  count: number;
}

export interface PgHealth {
  kind: WarehouseKind;
  version: string;
  databaseBytes: number;
  tables: Section<TableHealth>;
  unusedIndexes: Section<IndexHealth>;
  missingIndexHints: Section<SeqScanHint>;
  cache: Section<CacheHealth>;
  longRunning: Section<SessionHealth>;
  blocked: Section<SessionHealth>;
  connections: Section<ConnectionHealth> & { maxConnections?: number };
}

export interface PgHealthOptions {
  /** Tables listed, largest first. (Default: 30) */
  tableLimit?: number;
  /** A statement running longer than this is listed. (Default: 5 minutes) */
  longRunningMs?: number;
  /** Tables smaller than this are never hinted to need an index. (Default: 10 000 rows) */
  hintMinRows?: number;
}

const num = (value: unknown): number => Number(value ?? 0);
const numOrNull = (value: unknown): number | null =>
  value === null || value === undefined ? null : Number(value);

export async function pgHealth(warehouse: Warehouse, options: PgHealthOptions = {}): Promise<PgHealth> {
  const kind = warehouse.kind;
  const section = async <Row>(name: HealthSection, read: () => Promise<Row[]>): Promise<Section<Row>> => {
    const reason = UNSUPPORTED[name][kind];
    if (reason) return { available: false, reason };
    try {
      return { available: true, rows: await read() };
    } catch (error) {
      // e.g. a role without pg_read_all_stats: say so instead of failing the whole page
      return { available: false, reason: `query failed: ${redactText(errorMessage(error))}` };
    }
  };
  const [info] = await warehouse.query<{ version: string; bytes: string }>(
    `select current_setting('server_version') as version, pg_database_size(current_database()) as bytes`,
  );
  const tuples = kind === 'postgres';
  const health: PgHealth = {
    kind,
    version: kind === 'pglite' ? `${info!.version} (PGlite)` : info!.version,
    databaseBytes: num(info!.bytes),
    tables: await section('tables', () => readTables(warehouse, options.tableLimit ?? 30, tuples)),
    unusedIndexes: await section('unusedIndexes', () => readUnusedIndexes(warehouse)),
    missingIndexHints: await section('missingIndexHints', () =>
      readSeqScanHints(warehouse, options.hintMinRows ?? 10_000),
    ),
    cache: await section('cache', () => readCache(warehouse)),
    longRunning: await section('longRunning', () =>
      readSessions(warehouse, `state <> 'idle' and now() - query_start > $1 * interval '1 millisecond'`, [
        options.longRunningMs ?? 300_000,
      ]),
    ),
    blocked: await section('blocked', () =>
      readSessions(warehouse, `cardinality(pg_blocking_pids(pid)) > 0`, []),
    ),
    connections: await section('connections', () => readConnections(warehouse)),
  };
  if (health.tables.available && !tuples) health.tables.note = `sizes only: ${NO_TUPLE_STATS}`;
  if (health.cache.available && kind === 'pglite')
    health.cache.note = 'counted since this process opened the embedded database';
  if (health.connections.available) {
    const [max] = await warehouse.query<{ max: string }>(`select current_setting('max_connections') as max`);
    health.connections.maxConnections = num(max?.max);
  }
  return health;
}

/**
 * A size function call that does not wait: the size functions open the relation, which queues behind an
 * exclusive lock (an ALTER or TRUNCATE in a running load) and would hang the whole health report. A relation
 * with an exclusive lock held or requested by another session gets a null size instead.
 */
function sizeOf(
  fn: 'pg_total_relation_size' | 'pg_table_size' | 'pg_indexes_size' | 'pg_relation_size',
  oid: string,
): string {
  return `case when exists (select 1 from pg_locks l where l.relation = ${oid} and l.mode = 'AccessExclusiveLock'
      and l.pid <> pg_backend_pid()) then null else ${fn}(${oid}) end`;
}

async function readTables(warehouse: Warehouse, limit: number, tuples: boolean): Promise<TableHealth[]> {
  const rows = await warehouse.query<Record<string, unknown>>(
    `select * from (
       select schemaname, relname, ${sizeOf('pg_total_relation_size', 'relid')} as total_bytes,
         ${sizeOf('pg_table_size', 'relid')} as table_bytes, ${sizeOf('pg_indexes_size', 'relid')} as index_bytes,
         n_live_tup, n_dead_tup, greatest(last_vacuum, last_autovacuum) as last_vacuum,
         greatest(last_analyze, last_autoanalyze) as last_analyze, n_tup_ins, n_tup_upd, n_tup_del
       from pg_stat_user_tables) t
     order by total_bytes desc nulls last, schemaname, relname
     limit $1`,
    [limit],
  );
  return rows.map((r) => {
    const live = tuples ? num(r.n_live_tup) : null;
    const dead = tuples ? num(r.n_dead_tup) : null;
    return {
      schema: String(r.schemaname),
      table: String(r.relname),
      totalBytes: numOrNull(r.total_bytes),
      tableBytes: numOrNull(r.table_bytes),
      indexBytes: numOrNull(r.index_bytes),
      liveRows: live,
      deadRows: dead,
      deadRatio: live !== null && dead !== null && live + dead > 0 ? dead / (live + dead) : null,
      lastVacuum: (r.last_vacuum as Date | null) ?? null,
      lastAnalyze: (r.last_analyze as Date | null) ?? null,
      inserted: tuples ? num(r.n_tup_ins) : null,
      updated: tuples ? num(r.n_tup_upd) : null,
      deleted: tuples ? num(r.n_tup_del) : null,
    };
  });
}

/** Never-scanned indexes that enforce nothing (not unique, not a primary key): candidates to drop. */
async function readUnusedIndexes(warehouse: Warehouse): Promise<IndexHealth[]> {
  const rows = await warehouse.query<Record<string, unknown>>(
    `select * from (
       select s.schemaname, s.relname, s.indexrelname, ${sizeOf('pg_relation_size', 's.indexrelid')} as bytes,
         s.idx_scan
       from pg_stat_user_indexes s join pg_index i on i.indexrelid = s.indexrelid
       where s.idx_scan = 0 and not i.indisunique and not i.indisprimary) t
     order by bytes desc nulls last, schemaname, indexrelname
     limit 50`,
  );
  return rows.map((r) => ({
    schema: String(r.schemaname),
    table: String(r.relname),
    index: String(r.indexrelname),
    bytes: numOrNull(r.bytes),
    scans: num(r.idx_scan),
  }));
}

/** Large tables read mostly by sequential scans of many rows: a WHERE/JOIN column may want an index. */
async function readSeqScanHints(warehouse: Warehouse, minRows: number): Promise<SeqScanHint[]> {
  const rows = await warehouse.query<Record<string, unknown>>(
    `select schemaname, relname, seq_scan, seq_tup_read / greatest(seq_scan, 1) as rows_per_scan,
       coalesce(idx_scan, 0) as idx_scan, n_live_tup
     from pg_stat_user_tables
     where seq_scan > 0 and n_live_tup >= $1 and seq_scan > coalesce(idx_scan, 0)
       and seq_tup_read / greatest(seq_scan, 1) >= $1
     order by seq_tup_read desc
     limit 20`,
    [minRows],
  );
  return rows.map((r) => ({
    schema: String(r.schemaname),
    table: String(r.relname),
    seqScans: num(r.seq_scan),
    rowsPerSeqScan: num(r.rows_per_scan),
    indexScans: num(r.idx_scan),
    liveRows: num(r.n_live_tup),
  }));
}

async function readCache(warehouse: Warehouse): Promise<CacheHealth[]> {
  const [db] = await warehouse.query<Record<string, unknown>>(
    `select blks_hit, blks_read from pg_stat_database where datname = current_database()`,
  );
  const [tables] = await warehouse.query<Record<string, unknown>>(
    `select sum(heap_blks_hit) as hit, sum(heap_blks_read) as read from pg_statio_user_tables`,
  );
  const ratio = (hit: number, read: number) => (hit + read > 0 ? hit / (hit + read) : null);
  const hit = num(db?.blks_hit);
  const read = num(db?.blks_read);
  return [
    {
      databaseHitRatio: ratio(hit, read),
      tableHitRatio: ratio(num(tables?.hit), num(tables?.read)),
      blocksHit: hit,
      blocksRead: read,
    },
  ];
}

interface SessionRow {
  pid: number;
  usename: string | null;
  state: string | null;
  wait_event_type: string | null;
  wait_event: string | null;
  running_ms: string | number | null;
  blocked_by: number[] | null;
  query: string | null;
}

async function readSessions(
  warehouse: Warehouse,
  condition: string,
  values: unknown[],
): Promise<SessionHealth[]> {
  const rows = await warehouse.query<SessionRow>(
    `select pid, usename, state, wait_event_type, wait_event,
       extract(epoch from now() - query_start) * 1000 as running_ms, pg_blocking_pids(pid) as blocked_by, query
     from pg_stat_activity
     where datname = current_database() and pid <> pg_backend_pid() and backend_type = 'client backend'
       and ${condition}
     order by query_start
     limit 50`,
    values,
  );
  return rows.map((r) => ({
    pid: num(r.pid),
    user: r.usename,
    state: r.state,
    waitEvent: r.wait_event_type ? `${r.wait_event_type}: ${r.wait_event ?? ''}` : null,
    runningForMs: numOrNull(r.running_ms),
    blockedBy: (r.blocked_by ?? []).map(Number),
    query: redactText(r.query ?? '').slice(0, 500),
  }));
}

async function readConnections(warehouse: Warehouse): Promise<ConnectionHealth[]> {
  const rows = await warehouse.query<{ state: string | null; count: string }>(
    `select coalesce(state, 'unknown') as state, count(*) as count from pg_stat_activity
     where backend_type = 'client backend'
     group by 1 order by 2 desc, 1`,
  );
  return rows.map((r) => ({ state: r.state ?? 'unknown', count: num(r.count) }));
}
