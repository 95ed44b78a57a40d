import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  unlinkSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DwhError, EXIT } from '../core/errors.js';

/**
 * PGlite is an in-process database: one process at a time may open a data directory. This lock file says
 * which process has it (and which run, once one starts) so a second process is refused with a useful message.
 * A lock whose process is gone (killed, crashed) is stale and taken over.
 */
export interface DirLockOwner {
  pid: number;
  host: string;
  command: string;
  startedAt: string;
  project?: string;
  runId?: number;
}

export class DirLockedError extends DwhError {
  constructor(
    readonly dir: string,
    readonly owner: DirLockOwner,
  ) {
    const run = owner.project
      ? `, running project '${owner.project}'${owner.runId ? ` as run ${owner.runId}` : ''}`
      : '';
    super(
      'LOCKED',
      `the embedded database ${dir} is in use by process ${owner.pid} on ${owner.host} (dwh ${owner.command}${run}, since ${owner.startedAt}). ` +
        'Wait for it to finish, or use a PostgreSQL server (DWH_DATABASE_URL) for concurrent work.',
      { exitCode: EXIT.refused },
    );
  }
}

export class PgliteDirLock {
  private constructor(
    readonly file: string,
    private owner: DirLockOwner,
  ) {}

  /**
   * Takes the lock. A holder doing short read-only work (`runs`, `sql`, a dashboard request…) is waited for
   * up to `waitMs`; a holder executing a run, a backfill or checks is refused at once.
   */
  static async acquire(
    dir: string,
    command: string,
    waitMs = Number(process.env.DWH_LOCK_WAIT_MS ?? 10_000),
  ): Promise<PgliteDirLock> {
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, '..', `${path.basename(dir)}.lock`);
    const owner: DirLockOwner = {
      pid: process.pid,
      host: os.hostname(),
      command,
      startedAt: new Date().toISOString(),
    };
    const deadline = Date.now() + waitMs;
    for (let tries = 0; tries < 5;) {
      try {
        const fd = openSync(file, 'wx');
        writeSync(fd, JSON.stringify(owner));
        closeSync(fd);
        return new PgliteDirLock(file, owner);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const current = readOwner(file);
      if (current && isAlive(current)) {
        if (isLongRunning(current) || Date.now() >= deadline) throw new DirLockedError(dir, current);
        await new Promise((resolve) => setTimeout(resolve, 100));
        continue;
      }
      takeOverStale(file, current);
      tries += 1;
    }
    throw new DwhError('LOCKED', `could not lock ${dir}: the lock file ${file} keeps changing`, {
      exitCode: EXIT.refused,
    });
  }

  /** Records the run this process is executing, so a refused process can name it. */
  annotate(project: string, runId?: number): void {
    this.owner = { ...this.owner, project, ...(runId === undefined ? {} : { runId }) };
    writeFileSync(this.file, JSON.stringify(this.owner));
  }

  release(): void {
    const current = readOwner(this.file);
    if (current?.pid === this.owner.pid && current.host === this.owner.host && existsSync(this.file))
      unlinkSync(this.file);
  }
}

/** Runs, backfills and check runs hold the database for minutes: waiting for them would only hang. */
function isLongRunning(owner: DirLockOwner): boolean {
  return /^(run|backfill|dq) /.test(owner.command) || owner.project !== undefined;
}

function readOwner(file: string): DirLockOwner | null {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as DirLockOwner;
  } catch {
    // missing (released meanwhile) or half-written by a process that died while writing it
    return null;
  }
}

function isAlive(owner: DirLockOwner): boolean {
  // A lock from another host (shared volume) cannot be checked: treat it as alive rather than corrupt data.
  if (owner.host !== os.hostname()) return true;
  try {
    process.kill(owner.pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Moves the stale file aside atomically; if what moved is not the stale lock we read, puts it back. */
function takeOverStale(file: string, stale: DirLockOwner | null): void {
  const aside = `${file}.stale-${process.pid}`;
  try {
    renameSync(file, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  const moved = readOwner(aside);
  if (stale && moved && (moved.pid !== stale.pid || moved.startedAt !== stale.startedAt)) {
    renameSync(aside, file);
    return;
  }
  unlinkSync(aside);
}
