import {
  appendFileSync,
  chownSync,
  mkdirSync,
  readdirSync,
  renameSync,
  rmSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import type { EmbeddedBinaries } from './embedded-binaries.js';
import { accountCanEnter } from './embedded-data-location.js';
import { EmbeddedServerError } from './embedded-server-error.js';
import { EMBEDDED_USER, createPassword, type EmbeddedPaths } from './embedded-server-files.js';
import type { ServerAccount } from './embedded-os-user.js';
import { runProgram } from './embedded-process.js';

const INIT_PREFIX = 'data.init-';

/**
 * Creates the data directory. initdb writes into a temporary folder that is renamed to `data/` only when it
 * succeeded, so a failure (disk full, killed) never leaves anything that looks like a ready server; leftovers
 * of an earlier failure are removed first.
 */
export async function initialiseDataDir(
  paths: EmbeddedPaths,
  binaries: EmbeddedBinaries,
  account: ServerAccount | null,
): Promise<void> {
  mkdirSync(paths.dataParent, { recursive: true });
  for (const entry of readdirSync(paths.dataParent))
    if (entry.startsWith(INIT_PREFIX))
      rmSync(path.join(paths.dataParent, entry), { recursive: true, force: true });
  if (account) checkReachable(paths.dataParent, account);

  const temp = path.join(paths.dataParent, `${INIT_PREFIX}${process.pid}`);
  const passwordFile = path.join(paths.dataParent, `initdb-password-${process.pid}`);
  const password = createPassword(paths);
  writeFileSync(passwordFile, `${password}\n`, { mode: 0o600 });
  mkdirSync(temp, { mode: 0o700 });
  if (account) {
    chownSync(temp, account.uid, account.gid);
    chownSync(passwordFile, account.uid, account.gid);
  }
  try {
    const result = await runProgram(
      binaries.initdb,
      [
        `--pgdata=${temp}`,
        `--username=${EMBEDDED_USER}`,
        `--pwfile=${passwordFile}`,
        '--auth=scram-sha-256',
        '--encoding=UTF8',
        // the builtin provider needs no OS locale, so the cluster is the same on every machine
        '--locale-provider=builtin',
        '--builtin-locale=C.UTF-8',
        '--locale=C',
        '--no-instructions',
      ],
      account,
    );
    if (result.code !== 0)
      throw new EmbeddedServerError(
        paths.root,
        `initdb failed (exit ${result.code}): ${lastLines(result.output)}`,
      );
    // The role is named `dwh` like the audit schema, so the default search path ("$user", public) would put
    // every unqualified CREATE TABLE of a project into schema dwh; on the embedded server it is public only.
    appendFileSync(
      path.join(temp, 'postgresql.conf'),
      "\n# dwh: the role dwh must not resolve unqualified names into schema dwh\nsearch_path = 'public'\n",
    );
    renameSync(temp, paths.data);
  } catch (error) {
    rmSync(temp, { recursive: true, force: true });
    throw error;
  } finally {
    unlinkSync(passwordFile);
  }
}

/** The server account must be able to enter every folder above the data directory. */
function checkReachable(dir: string, account: ServerAccount): void {
  if (!accountCanEnter(dir, account))
    throw new EmbeddedServerError(
      dir,
      `the server runs as the OS account '${account.name}' (PostgreSQL refuses root), which cannot enter this folder; ` +
        `allow it to (e.g. chmod o+x on the folders above) or set a database URL`,
    );
}

export function lastLines(text: string, count = 6): string {
  return text.split('\n').filter(Boolean).slice(-count).join(' | ');
}
