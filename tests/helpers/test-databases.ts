import { chmodSync, cpSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { inject } from 'vitest';
import { openWarehouse, type Warehouse } from '../../src/db/connection.js';

/**
 * `embedded`: a database on the embedded PostgreSQL server the test session started (global-setup);
 * `postgres`: a database on the system server of DWH_TEST_DATABASE_URL; `pglite`: the opt-in PGlite engine.
 */
export type TargetKind = 'embedded' | 'postgres' | 'pglite';

/** The full suite: the embedded server always; the system server too when DWH_TEST_DATABASE_URL is set (CI). */
export const targetKinds: TargetKind[] = process.env.DWH_TEST_DATABASE_URL
  ? ['embedded', 'postgres']
  : ['embedded'];

/** The PGlite smoke part: a few representative test files run on PGlite as well. */
export const smokeKinds: TargetKind[] = [...targetKinds, 'pglite'];

export interface TestDatabase {
  kind: TargetKind;
  /** Environment for the CLI and loadConfig: selects this database and an own metadata folder. */
  env: Record<string, string>;
  metadataDir: string;
  url: string | null;
  pgliteDir: string;
  open(command?: string): Promise<Warehouse>;
  /** Removes the database and the folder; kept when DWH_TEST_KEEP is set, for inspection. */
  drop(): Promise<void>;
}

/** A database of its own for one test: a new database on a server, or a copy of the migrated PGlite template. */
export async function createTestDatabase(kind: TargetKind, label: string): Promise<TestDatabase> {
  const root = mkdtempSync(path.join(os.tmpdir(), `dwh-test-${slug(label)}-`));
  // a test may start an embedded server of its own here, which runs as another OS account when we are root
  chmodSync(root, 0o755);
  const metadataDir = path.join(root, 'metadata');
  const pgliteDir = path.join(metadataDir, 'pglite');
  let url: string | null = null;
  let dbName: string | null = null;
  const adminUrl = kind === 'embedded' ? inject('embeddedServerUrl') : process.env.DWH_TEST_DATABASE_URL!;
  if (kind === 'pglite') {
    cpSync(inject('pgliteTemplate'), pgliteDir, { recursive: true });
  } else {
    dbName = `dwh_t_${slug(label).slice(0, 30)}_${Math.random().toString(36).slice(2, 8)}`;
    await admin(adminUrl, (client) => client.query(`create database "${dbName}"`));
    const parsed = new URL(adminUrl);
    parsed.pathname = `/${dbName}`;
    url = parsed.toString();
  }
  const env: Record<string, string> = {
    DWH_METADATA_DIR: metadataDir,
    DWH_PGLITE_DIR: pgliteDir,
    DWH_ENV: 'local',
  };
  if (url) env.DWH_DATABASE_URL = url;
  else env.DWH_DATABASE_ENGINE = 'pglite';
  return {
    kind,
    env,
    metadataDir,
    url,
    pgliteDir,
    open: (command = 'test') =>
      openWarehouse({
        url,
        engine: 'pglite',
        embeddedDir: path.join(metadataDir, 'postgres'),
        pgliteDir,
        command,
      }),
    async drop() {
      if (process.env.DWH_TEST_KEEP) return;
      if (dbName)
        await admin(adminUrl, (client) => client.query(`drop database if exists "${dbName}" with (force)`));
      rmSync(root, { recursive: true, force: true });
    },
  };
}

async function admin(url: string, work: (client: pg.Client) => Promise<unknown>): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await work(client);
  } finally {
    await client.end();
  }
}

function slug(text: string): string {
  return (
    text
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '_')
      .replace(/^_|_$/g, '') || 'test'
  );
}
