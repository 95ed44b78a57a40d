import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { inject } from 'vitest';
import { openWarehouse, type Warehouse } from '../../src/db/connection.js';

export type TargetKind = 'pglite' | 'postgres';

/** PGlite always; the PostgreSQL server too when DWH_TEST_DATABASE_URL is set (CI sets it). */
export const targetKinds: TargetKind[] = process.env.DWH_TEST_DATABASE_URL
  ? ['pglite', 'postgres']
  : ['pglite'];

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

/** A database of its own for one test: a copy of the migrated PGlite template, or a new server database. */
export async function createTestDatabase(kind: TargetKind, label: string): Promise<TestDatabase> {
  const root = mkdtempSync(path.join(os.tmpdir(), `dwh-test-${slug(label)}-`));
  const metadataDir = path.join(root, 'metadata');
  const pgliteDir = path.join(metadataDir, 'pglite');
  let url: string | null = null;
  let dbName: string | null = null;
  if (kind === 'pglite') {
    cpSync(inject('pgliteTemplate'), pgliteDir, { recursive: true });
  } else {
    dbName = `dwh_t_${slug(label).slice(0, 30)}_${Math.random().toString(36).slice(2, 8)}`;
    await admin((client) => client.query(`create database "${dbName}"`));
    const parsed = new URL(process.env.DWH_TEST_DATABASE_URL!);
    parsed.pathname = `/${dbName}`;
    url = parsed.toString();
  }
  const env: Record<string, string> = {
    DWH_METADATA_DIR: metadataDir,
    DWH_PGLITE_DIR: pgliteDir,
    DWH_ENV: 'local',
  };
  if (url) env.DWH_DATABASE_URL = url;
  return {
    kind,
    env,
    metadataDir,
    url,
    pgliteDir,
    open: (command = 'test') => openWarehouse({ url, pgliteDir, command }),
    async drop() {
      if (process.env.DWH_TEST_KEEP) return;
      if (dbName) await admin((client) => client.query(`drop database if exists "${dbName}" with (force)`));
      rmSync(root, { recursive: true, force: true });
    },
  };
}

async function admin(work: (client: pg.Client) => Promise<unknown>): Promise<void> {
  const client = new pg.Client({ connectionString: process.env.DWH_TEST_DATABASE_URL });
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
