import { readdirSync, readFileSync, readlinkSync, realpathSync, unlinkSync } from 'node:fs';
import path from 'node:path';
import { isProcessAlive } from './lock-file.js';

/**
 * What a crash, a kill -9 or a reboot leaves of a server in its data directory besides postmaster.pid: the
 * lock file of its unix socket, `.s.PGSQL.<port>.lock` (the socket directory is the data directory), and the
 * socket beside it. PostgreSQL refuses to start while the lock names a process that kill(pid, 0) finds, which
 * a zombie (a killed server its parent has not reaped yet) or a process that took the pid later still is.
 */

/** `pg_ctl start` failed on a socket lock file left by a server taken to be still running. */
export const SOCKET_LOCK_EXISTS = /lock file "[^"]*\.s\.PGSQL\.\d+\.lock" already exists/;

/**
 * Whether `pid` is a running PostgreSQL process serving `dataDir`; `recordedDataDir` is the data directory
 * its lock file names, the evidence left when /proc does not say which folder the process works in.
 */
export function isServerOf(pid: number, dataDir: string, recordedDataDir: string): boolean {
  if (!Number.isInteger(pid) || pid <= 0 || !isProcessAlive(pid) || !isPostgresProcess(pid)) return false;
  // a server works in its data directory (it changes into it at start), and so do its child processes
  const cwd = processCwd(pid);
  return samePath(cwd ?? recordedDataDir, dataDir);
}

/**
 * Removes each `.s.PGSQL.<port>.lock` of `dataDir` whose pid is not a running server of it, with its socket;
 * returns the lock files removed. Callers hold the start lock, so no server of ours is starting meanwhile.
 */
export function removeStaleSocketLocks(dataDir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dataDir);
  } catch {
    // no data directory yet: nothing left behind
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const match = /^\.s\.PGSQL\.(\d+)\.lock$/.exec(name);
    if (!match) continue;
    const lockFile = path.join(dataDir, name);
    let lines: string[];
    try {
      lines = readFileSync(lockFile, 'utf8').split('\n');
    } catch {
      // removed meanwhile
      continue;
    }
    // an empty or cut-short file is the remnant of a start that crashed: no pid, stale as well
    const pid = Number.parseInt(lines[0] ?? '', 10);
    if (isServerOf(pid, dataDir, lines[1] ?? '')) continue;
    removeFile(path.join(dataDir, `.s.PGSQL.${match[1]}`));
    removeFile(lockFile);
    removed.push(lockFile);
  }
  return removed;
}

function isPostgresProcess(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('postgres');
  } catch {
    // no /proc (macOS): a live pid is taken to be the server, which is what PostgreSQL itself assumes
    return process.platform !== 'linux';
  }
}

function processCwd(pid: number): string | null {
  try {
    return readlinkSync(`/proc/${pid}/cwd`);
  } catch {
    // no /proc (macOS), or a process of another account (root without CAP_SYS_PTRACE in a container)
    return null;
  }
}

function samePath(a: string, b: string): boolean {
  if (a === '' || b === '') return false;
  return a === b || realOrSelf(a) === realOrSelf(b);
}

function realOrSelf(file: string): string {
  try {
    return realpathSync(file);
  } catch {
    // gone, or not reachable: compared as written
    return path.resolve(file);
  }
}

function removeFile(file: string): void {
  try {
    unlinkSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}
