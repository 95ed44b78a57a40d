import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';

/**
 * Runs `work` while holding `file` (created exclusively, holding this process's pid). A file left by a process
 * that is gone is removed; a live holder is waited for up to `waitMs`.
 */
export async function withLockFile<T>(
  file: string,
  waitMs: number,
  onTimeout: (holderPid: number | null) => Error,
  work: () => Promise<T>,
): Promise<T> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = readPid(file);
    if (holder !== null && !isProcessAlive(holder)) {
      removeIfHeldBy(file, holder);
      continue;
    }
    if (Date.now() >= deadline) throw onTimeout(holder);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  try {
    return await work();
  } finally {
    removeIfHeldBy(file, process.pid);
  }
}

export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readPid(file: string): number | null {
  try {
    const pid = Number.parseInt(readFileSync(file, 'utf8'), 10);
    return Number.isFinite(pid) ? pid : null;
  } catch {
    // released meanwhile, or being written: the next round reads it again
    return null;
  }
}

function removeIfHeldBy(file: string, pid: number): void {
  if (readPid(file) !== pid) return;
  try {
    unlinkSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}
