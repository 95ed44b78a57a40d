import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { migrate } from '../../src/audit/migrate.js';
import { openWarehouse } from '../../src/db/connection.js';

declare module 'vitest' {
  export interface ProvidedContext {
    pgliteTemplate: string;
  }
}

/**
 * Creating a PGlite data directory costs seconds (initdb); copying one costs milliseconds. One migrated
 * template is made per test session and every test copies it.
 */
export default async function setup(project: TestProject): Promise<() => void> {
  if (!existsSync(path.resolve('dist/cli/main.js'))) {
    throw new Error('dist/ is missing: run `npm run build` first (npm test does it)');
  }
  const root = mkdtempSync(path.join(os.tmpdir(), 'dwh-template-'));
  const dir = path.join(root, 'pglite');
  const warehouse = await openWarehouse({ url: null, pgliteDir: dir, command: 'test template' });
  await migrate(warehouse);
  await warehouse.close();
  project.provide('pgliteTemplate', dir);
  return () => rmSync(root, { recursive: true, force: true });
}
