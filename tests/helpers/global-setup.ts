import { chmodSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { migrate } from '../../src/audit/migrate.js';
import { openWarehouse } from '../../src/db/connection.js';
import { ensureEmbeddedServer, stopEmbeddedServer } from '../../src/db/embedded-server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    pgliteTemplate: string;
    /** Superuser URL of the embedded server of this test session; each test creates its own database on it. */
    embeddedServerUrl: string;
  }
}

/**
 * One embedded PostgreSQL server for the whole session (each test gets its own database on it, as on the
 * system server), started by the same code as `dwh` uses. Creating a PGlite data directory costs seconds
 * (initdb); copying one costs milliseconds: one migrated template serves the PGlite smoke tests.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  if (!existsSync(path.resolve('dist/cli/main.js'))) {
    throw new Error('dist/ is missing: run `npm run build` first (npm test does it)');
  }
  const root = mkdtempSync(path.join(os.tmpdir(), 'dwh-template-'));
  // the embedded server runs as another OS account when the tests run as root
  chmodSync(root, 0o755);
  const serverDir = path.join(root, 'postgres');
  const [server] = await Promise.all([startSessionServer(serverDir), pgliteTemplate(root)]);
  project.provide('pgliteTemplate', path.join(root, 'pglite'));
  project.provide('embeddedServerUrl', server);
  return async () => {
    await stopEmbeddedServer(serverDir);
    rmSync(root, { recursive: true, force: true });
  };
}

async function startSessionServer(dir: string): Promise<string> {
  const { url } = await ensureEmbeddedServer(dir);
  // test data is thrown away: no need to wait for the disk
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    for (const setting of ['fsync', 'synchronous_commit', 'full_page_writes'])
      await client.query(`alter system set ${setting} = off`);
    await client.query('select pg_reload_conf()');
  } finally {
    await client.end();
  }
  return url;
}

async function pgliteTemplate(root: string): Promise<void> {
  const warehouse = await openWarehouse({
    url: null,
    engine: 'pglite',
    embeddedDir: '',
    pgliteDir: path.join(root, 'pglite'),
    command: 'test template',
  });
  await migrate(warehouse);
  await warehouse.close();
}
