import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { locateDataDir } from './embedded-data-location.js';

/**
 * The embedded server's folder, `<metadata>/postgres/`:
 *   data/        the PostgreSQL data directory (PGDATA), with the server's unix socket
 *   state.json   where the server listens and which data directory it serves (checked on every connect)
 *   password     the generated password of the `dwh` role (mode 0600)
 *   server.log   the server's own log
 *   start.lock   held while a process creates or starts the server
 * As root, when the server account cannot enter this folder, `data/` is kept elsewhere (embedded-data-location.ts).
 */
export interface EmbeddedPaths {
  root: string;
  data: string;
  /** The folder holding `data/`: `root`, or the folder it was moved to. */
  dataParent: string;
  /** Whether the data directory is kept outside `root`. */
  dataMoved: boolean;
  state: string;
  password: string;
  log: string;
  startLock: string;
}

export function embeddedPaths(dir: string): EmbeddedPaths {
  const root = path.resolve(dir);
  const location = locateDataDir(root);
  return {
    root,
    data: location.data,
    dataParent: location.parent,
    dataMoved: location.moved,
    state: path.join(root, 'state.json'),
    password: path.join(root, 'password'),
    log: path.join(root, 'server.log'),
    startLock: path.join(root, 'start.lock'),
  };
}

/** What the last start recorded. The data directory path is what proves a server on `port` is ours. */
export interface EmbeddedState {
  dataDir: string;
  port: number;
  host: string;
  /** null when the path would be too long for a unix socket: then only TCP is offered. */
  socketDir: string | null;
  user: string;
  database: string;
  major: number;
  startedAt: string;
}

export const EMBEDDED_USER = 'dwh';
export const EMBEDDED_DATABASE = 'postgres';

export function readState(paths: EmbeddedPaths): EmbeddedState | null {
  try {
    return JSON.parse(readFileSync(paths.state, 'utf8')) as EmbeddedState;
  } catch {
    // no state yet, or one cut short by a crash while writing: the next start writes it again
    return null;
  }
}

export function writeState(paths: EmbeddedPaths, state: EmbeddedState): void {
  const temp = `${paths.state}.${process.pid}`;
  writeFileSync(temp, `${JSON.stringify(state, null, 2)}\n`);
  renameSync(temp, paths.state);
}

export function readPassword(paths: EmbeddedPaths): string | null {
  return existsSync(paths.password) ? readFileSync(paths.password, 'utf8').trim() : null;
}

/** A new random password, written with mode 0600 before the data directory that uses it exists. */
export function createPassword(paths: EmbeddedPaths): string {
  const password = randomBytes(18).toString('base64url');
  const temp = `${paths.password}.${process.pid}`;
  writeFileSync(temp, `${password}\n`, { mode: 0o600 });
  renameSync(temp, paths.password);
  return password;
}

export function connectionUrl(state: EmbeddedState, password: string): string {
  const url = new URL(`postgres://${state.host}:${state.port}/${state.database}`);
  url.username = state.user;
  url.password = password;
  return url.toString();
}
