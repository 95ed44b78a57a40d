import { closeSync, existsSync, openSync, readdirSync, readSync } from 'node:fs';
import path from 'node:path';
import { redactText } from '../logging/redact.js';
import { logDir, tailRunLog } from '../logging/run-log.js';

/**
 * A run's log file is `metadata/<project>/logs/<stamp>_etl.log`; every record carries the run id, so the file
 * of a run is the one whose first record names it. Files are named by their start time, newest first.
 */
export function findRunLog(metadataDir: string, project: string, runId: number): string | null {
  const dir = logDir(metadataDir, project);
  if (!existsSync(dir)) return null;
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('_etl.log'))
    .sort()
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
export function runLogTail(metadataDir: string, project: string, runId: number, lines = 80): RunLogTail {
  const file = findRunLog(metadataDir, project, runId);
  if (!file) return { file: null, text: '' };
  return { file: path.relative(metadataDir, file), text: redactText(tailRunLog(file, lines)) };
}
