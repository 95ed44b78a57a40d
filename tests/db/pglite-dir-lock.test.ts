import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PgliteDirLock } from '../../src/db/pglite-dir-lock.js';
import { fixtureHome, runCli } from '../helpers/cli.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-databases.js';

describe('db: one process at a time on the embedded database', () => {
  let db: TestDatabase;
  let env: Record<string, string>;
  beforeEach(async () => {
    db = await createTestDatabase('pglite', 'dir-lock');
    env = { ...db.env, DWH_HOME: fixtureHome };
  });
  afterEach(async () => {
    await db.drop();
  });

  it('waits for a holder doing short read-only work, then runs', async () => {
    const lock = await PgliteDirLock.acquire(db.pgliteDir, 'runs');
    const release = setTimeout(() => lock.release(), 1500);
    const started = Date.now();
    const result = await runCli(['run', 'ordering', '--end-date', '2026-02-01'], { env });
    clearTimeout(release);
    expect(result.code, result.stderr).toBe(0);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1500);
  });

  it('refuses at once, naming the holder, when the holder is executing a run', async () => {
    const lock = await PgliteDirLock.acquire(db.pgliteDir, 'run ordering');
    lock.annotate('ordering', 41);
    try {
      const result = await runCli(['runs'], { env });
      expect(result.code).toBe(3);
      expect(result.stderr).toMatch(
        new RegExp(
          `in use by process ${process.pid} on .+ \\(dwh run ordering, running project 'ordering' as run 41, since `,
        ),
      );
    } finally {
      lock.release();
    }
  });

  it('gives up waiting for a read-only holder after DWH_LOCK_WAIT_MS', async () => {
    const lock = await PgliteDirLock.acquire(db.pgliteDir, 'ui');
    try {
      const result = await runCli(['runs'], { env: { ...env, DWH_LOCK_WAIT_MS: '300' } });
      expect(result.code).toBe(3);
      expect(result.stderr).toMatch(/\(dwh ui, since /);
    } finally {
      lock.release();
    }
  });
});
