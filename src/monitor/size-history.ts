import { formatBytes } from '../present/numbers.js';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { TableHealth } from './pg-health.js';
import { DAY_MS } from '../core/dates.js';

/**
 * Table growth needs earlier sizes, and the statistics views keep none. `dwh monitor` records the sizes it
 * measures in `metadata/monitor/table-sizes.json` (per database, the last `KEEP` measurements); growth is the
 * change against the oldest measurement of the last `WINDOW_DAYS` days. The dashboard only reads this file.
 */
const KEEP = 120;
const WINDOW_DAYS = 7;

interface Snapshot {
  at: string;
  /** `schema.table` → total bytes. */
  sizes: Record<string, number>;
}
type SizeFile = Record<string, Snapshot[]>;

export interface TableGrowth {
  /** Since when the growth is measured; null when there is no earlier measurement. */
  since: Date | null;
  /** `schema.table` → bytes added (negative: shrank) since then. */
  bytes: Record<string, number>;
}

function sizeHistoryFile(metadataDir: string): string {
  return path.join(metadataDir, 'monitor', 'table-sizes.json');
}

function read(file: string): SizeFile {
  if (!existsSync(file)) return {};
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as SizeFile;
  } catch {
    // a half-written or hand-edited file only loses the growth figures; the next measurement rewrites it
    return {};
  }
}

function sizesOf(tables: TableHealth[]): Record<string, number> {
  const sizes: Record<string, number> = {};
  for (const t of tables) if (t.totalBytes !== null) sizes[`${t.schema}.${t.table}`] = t.totalBytes;
  return sizes;
}

/** Growth of each table against the oldest measurement within the window (before `now`). */
export function tableGrowth(
  metadataDir: string,
  database: string,
  tables: TableHealth[],
  now: Date,
): TableGrowth {
  const earliest = now.getTime() - WINDOW_DAYS * DAY_MS;
  const base = (read(sizeHistoryFile(metadataDir))[database] ?? []).find((s) => {
    const at = Date.parse(s.at);
    return at >= earliest && at < now.getTime();
  });
  if (!base) return { since: null, bytes: {} };
  const bytes: Record<string, number> = {};
  for (const [table, size] of Object.entries(sizesOf(tables))) bytes[table] = size - (base.sizes[table] ?? 0);
  return { since: new Date(base.at), bytes };
}

/** Appends this measurement (written to a temporary file and renamed, so readers never see half a file). */
export function recordSizes(metadataDir: string, database: string, tables: TableHealth[], now: Date): void {
  const file = sizeHistoryFile(metadataDir);
  const all = read(file);
  const list = [...(all[database] ?? []), { at: now.toISOString(), sizes: sizesOf(tables) }];
  all[database] = list.slice(-KEEP);
  mkdirSync(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, JSON.stringify(all));
  renameSync(temporary, file);
}

/** `+1.2 MB`, `-48 kB`, `0 B`, or `—` without an earlier measurement. */
export function formatGrowth(growth: TableGrowth, table: string): string {
  const bytes = growth.since ? growth.bytes[table] : undefined;
  if (bytes === undefined) return '—';
  return `${bytes > 0 ? '+' : bytes < 0 ? '-' : ''}${formatBytes(Math.abs(bytes))}`;
}
