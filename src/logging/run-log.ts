import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

/** `metadata/<project>/logs/` */
export function logDir(metadataDir: string, project: string): string {
  return path.join(metadataDir, project, 'logs');
}

/**
 * `<YYYY-MM-DD_HH-mm-ss>_<database>_etl.log`: the start in UTC and the identity of the database the run is
 * recorded in (run ids restart in every database, so a run id alone does not name a log). A second run in the
 * same second gets `_2`, `_3`… before `_etl.log`.
 */
export function newLogFile(metadataDir: string, project: string, database: string, at = new Date()): string {
  const stamp = at.toISOString().slice(0, 19).replace('T', '_').replace(/:/g, '-');
  const dir = logDir(metadataDir, project);
  let file = path.join(dir, `${stamp}_${database}_etl.log`);
  for (let n = 2; existsSync(file); n++) file = path.join(dir, `${stamp}_${database}_${n}_etl.log`);
  return file;
}

/**
 * Orders log file names (see newLogFile) by when their run started: by the stamp, then by the number a later
 * file of the same second carries (`…_db_2_etl.log` comes after `…_db_etl.log`, which plain sorting reverses).
 * The database part is a hash without `_` that may be all digits, so the number is only what follows it.
 */
export function byLogStart(a: string, b: string): number {
  const key = (name: string) => {
    const number = /^.{19}_[^_]+_(\d+)_etl\.log$/.exec(name);
    return { stamp: name.slice(0, 19), n: number ? Number(number[1]) : 1 };
  };
  const [x, y] = [key(a), key(b)];
  return x.stamp.localeCompare(y.stamp) || x.n - y.n || a.localeCompare(b);
}

/** Whether a log file name (see newLogFile) belongs to this database. */
export function isLogOfDatabase(fileName: string, database: string): boolean {
  return new RegExp(`^\\d{4}-\\d{2}-\\d{2}_\\d{2}-\\d{2}-\\d{2}_${database}(_\\d+)?_etl\\.log$`).test(
    fileName,
  );
}

export function runLogSize(file: string): number {
  return existsSync(file) ? statSync(file).size : 0;
}

/** The whole log of a run (JSON lines, one pino record each). */
export function readRunLog(file: string): string {
  return existsSync(file) ? readFileSync(file, 'utf8') : '';
}

const LEVELS: Record<number, string> = {
  10: 'TRACE',
  20: 'DEBUG',
  30: 'INFO',
  40: 'WARN',
  50: 'ERROR',
  60: 'FATAL',
};

/** One JSON log record as a readable line: `2026-11-22T03:00:01.123Z INFO  [task] message`. */
export function formatLogRecord(line: string): string {
  try {
    const record = JSON.parse(line) as {
      time?: number;
      level?: number;
      msg?: string;
      task?: string;
      err?: { message?: string };
    };
    const time = record.time ? new Date(record.time).toISOString() : '';
    const level = (LEVELS[record.level ?? 30] ?? 'INFO').padEnd(5);
    const task = record.task ? ` [${record.task}]` : '';
    const error = record.err?.message ? ` — ${record.err.message}` : '';
    return `${time} ${level}${task} ${record.msg ?? ''}${error}`;
  } catch {
    // not JSON (a partial last line while the run writes): show it as it is
    return line;
  }
}

/** The last `lines` records of the log as readable text, at most `maxBytes` (for e-mails and the console). */
export function tailRunLog(file: string, lines = 50, maxBytes = 64 * 1024): string {
  const records = readRunLog(file).split('\n').filter(Boolean).slice(-lines).map(formatLogRecord);
  let text = records.join('\n');
  if (Buffer.byteLength(text) > maxBytes) text = `…${Buffer.from(text).subarray(-maxBytes).toString('utf8')}`;
  return text;
}
