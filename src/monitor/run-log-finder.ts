import { closeSync, existsSync, openSync, readdirSync, readSync } from 'node:fs';
import path from 'node:path';
import { redactText } from '../logging/redact.js';
import { byLogStart, isLogOfDatabase, logDir, tailRunLog } from '../logging/run-log.js';

/**
 * A run's log file is `metadata/<project>/logs/<stamp>_<database>_etl.log`; every record carries the run id, so
 * the file of a run is the one of its database whose first record names it (run ids restart in every database:
 * a home used with two databases has a run 2 in each). Files are named by their start time, newest first; logs
 * written before files named their database are not attributed to any run.
 */
function findRunLog(metadataDir: string, project: string, runId: number, database: string): string | null {
  const dir = logDir(metadataDir, project);
  if (!existsSync(dir)) return null;
  const files = readdirSync(dir)
    .filter((f) => isLogOfDatabase(f, database))
    .sort(byLogStart)
    .reverse();
  const marker = new RegExp(`"runId":${runId}[,}]`);
  for (const file of files) {
    const full = path.join(dir, file);
    if (marker.test(head(full, 4096))) return full;
  }
  return null;
}

function head(file: string, bytes: number): string {
  const fd = openSync(file, 'r');
  try {
    const buffer = Buffer.alloc(bytes);
    const read = readSync(fd, buffer, 0, bytes, 0);
    return buffer.subarray(0, read).toString('utf8');
  } catch {
    // unreadable (permissions, removed meanwhile by retention): treat as not this run's log
    return '';
  } finally {
    closeSync(fd);
  }
}

export interface RunLogTail {
  /** The file relative to the metadata folder, or null when it is not on this machine. */
  file: string | null;
  text: string;
}

/** The last `lines` readable records of a run's log, secrets masked. */
export function runLogTail(
  metadataDir: string,
  project: string,
  runId: number,
  database: string,
  lines = 80,
): RunLogTail {
  const file = findRunLog(metadataDir, project, runId, database);
  if (!file) return { file: null, text: '' };
  return { file: path.relative(metadataDir, file), text: redactText(tailRunLog(file, lines)) };
}
