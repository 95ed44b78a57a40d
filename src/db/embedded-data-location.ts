import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, lstatSync, mkdirSync, realpathSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ServerAccount } from './embedded-os-user.js';
import { EmbeddedServerError } from './embedded-server-error.js';

/** Where the PostgreSQL data directory of a home lives: `data/` under `parent`. */
export interface DataLocation {
  /** The folder holding `data/` (and initdb's temporary folder while the server is created). */
  parent: string;
  data: string;
  /** True when it is not `<metadata>/postgres/` because the server account cannot enter that folder. */
  moved: boolean;
}

/**
 * As root the server runs as the `postgres` account, which often cannot enter the home (a clone under
 * /root, mode 0700). Then the data directory (and its socket) is kept in `/var/lib/dwh/<hash>/` — or
 * `<tmpdir>/dwh/<hash>/` when /var/lib is not writable — where `<hash>` is derived from the real path of
 * `<metadata>/postgres/`: it names this home only, so a copied state file of another home never leads to
 * another home's server.
 */
function movedParents(root: string): string[] {
  const hash = createHash('sha256').update(realRoot(root)).digest('hex').slice(0, 16);
  return [path.join('/var/lib/dwh', hash), path.join(os.tmpdir(), 'dwh', hash)];
}

/** The data directory in use: `<root>/data` when it exists, else a moved one that exists, else `<root>/data`. */
export function locateDataDir(root: string): DataLocation {
  const home: DataLocation = { parent: root, data: path.join(root, 'data'), moved: false };
  // only root moves the data directory, so nobody else looks for it elsewhere
  if (process.getuid?.() !== 0 || existsSync(home.data)) return home;
  for (const parent of movedParents(root)) {
    const data = path.join(parent, 'data');
    if (existsSync(data)) return { parent, data, moved: true };
  }
  return home;
}

/** Whether the server account can enter `dir` (and every folder above it). */
export function accountCanEnter(dir: string, account: ServerAccount): boolean {
  return spawnSync('test', ['-x', dir], { uid: account.uid, gid: account.gid }).status === 0;
}

/**
 * The folder for a new data directory that the account cannot keep in `root`: created 0700 and owned by the
 * account. A folder there owned by somebody else (a world-writable tmpdir) is refused.
 */
export function createMovedParent(root: string, account: ServerAccount): DataLocation {
  const errors: string[] = [];
  for (const parent of movedParents(root)) {
    const base = path.dirname(parent);
    try {
      if (!existsSync(base)) {
        mkdirSync(base, { recursive: true });
        chmodSync(base, 0o755);
      }
      if (!existsSync(parent)) mkdirSync(parent, { mode: 0o700 });
    } catch (error) {
      // not writable (a read-only /var/lib): the next candidate
      errors.push(`${base}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
      continue;
    }
    const stat = lstatSync(parent);
    if (!stat.isDirectory() || (stat.uid !== 0 && stat.uid !== account.uid))
      throw new EmbeddedServerError(
        root,
        `${parent} is meant for this home's data directory but is not a folder of root or '${account.name}'; remove it`,
      );
    chownSync(parent, account.uid, account.gid);
    chmodSync(parent, 0o700);
    if (!accountCanEnter(parent, account)) {
      errors.push(`${parent}: the '${account.name}' account cannot enter it`);
      continue;
    }
    return { parent, data: path.join(parent, 'data'), moved: true };
  }
  throw new EmbeddedServerError(
    root,
    `the server runs as the OS account '${account.name}' (PostgreSQL refuses root), which cannot enter this folder, ` +
      `and no folder it can enter could be made for the data directory (${errors.join('; ')}); ` +
      `allow it to enter (e.g. chmod o+x on the folders above) or set a database URL`,
  );
}

function realRoot(root: string): string {
  try {
    return realpathSync(root);
  } catch {
    // not created yet: nothing can be stored for it elsewhere either
    return path.resolve(root);
  }
}
