import { existsSync, readdirSync, statSync, unlinkSync } from 'node:fs';
import path from 'node:path';

export interface LogRetention {
  days?: number;
  runs?: number;
}

/** Deletes run logs older than `days` or beyond the newest `runs`; returns the deleted file names. */
export function applyLogRetention(
  dir: string,
  retention: LogRetention,
  now = new Date(),
  keep?: string,
): string[] {
  if (!existsSync(dir)) return [];
  const files = readdirSync(dir)
    .filter((name) => name.endsWith('_etl.log'))
    .map((name) => ({ name, mtime: statSync(path.join(dir, name)).mtimeMs }))
    .sort((a, b) => b.mtime - a.mtime || b.name.localeCompare(a.name));
  const cutoff = retention.days === undefined ? -Infinity : now.getTime() - retention.days * 86_400_000;
  const deleted: string[] = [];
  files.forEach((file, index) => {
    const full = path.join(dir, file.name);
    if (full === keep) return;
    const tooOld = file.mtime < cutoff;
    const tooMany = retention.runs !== undefined && index >= retention.runs;
    if (tooOld || tooMany) {
      unlinkSync(full);
      deleted.push(file.name);
    }
  });
  return deleted;
}
