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

/**
 * Whether `pid` names a running process. A zombie (killed, but not yet reaped by its parent: in a container
 * whose init does not reap orphans it can stay one for long) is dead, though kill(pid, 0) still succeeds.
 */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  return !isZombie(pid);
}

/** Whether /proc says `pid` has exited (state Z, zombie, or X, dead). Without /proc (macOS): false. */
function isZombie(pid: number): boolean {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    // no /proc, or the process is gone meanwhile: kill(pid, 0) has the last word
    return false;
  }
  // "<pid> (<comm>) <state> ...": comm may hold spaces and parentheses, so the state follows the last ')'
  const state = stat.slice(stat.lastIndexOf(')') + 1).trim()[0];
  return state === 'Z' || state === 'X';
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
