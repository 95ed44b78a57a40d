import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Dashboard } from '../../src/monitor/dashboard-server.js';
import { runFixture } from '../helpers/run-fixture.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-databases.js';
import { get, hasElement, makeHistory, startTestDashboard } from './dashboard-fixture.js';

// every request opens the embedded database and every command starts a process: slow on a busy machine
vi.setConfig({ testTimeout: 180_000 });

describe('monitor: dashboard and the single-process embedded database (pglite)', () => {
  let db: TestDatabase;
  let dashboard: Dashboard;

  beforeAll(async () => {
    db = await createTestDatabase('pglite', 'monitor-pglite-lock');
    await makeHistory(db);
    dashboard = await startTestDashboard(db);
  });
  afterAll(async () => {
    await dashboard?.close();
    await db?.drop();
  });

  it('does not keep the database open between requests, so runs are not refused', async () => {
    expect((await get(dashboard, '/')).status).toBe(200);
    const report = await runFixture(db, 'mon_ok', { endDate: new Date('2026-04-01T00:00:00Z') });
    expect(report.exitCode).toBe(0);
    const grid = JSON.parse((await get(dashboard, '/api/grid')).body) as {
      projects: { project: string; runs: { runId: number }[] }[];
    };
    expect(grid.projects.find((p) => p.project === 'mon_ok')!.runs[0]!.runId).toBe(report.runId);
  });

  it('says which run holds the database instead of failing, and recovers when it is released', async () => {
    const holder = await db.open('run mon_fail');
    holder.dirLock!.annotate('mon_fail', 4242);
    try {
      const page = await get(dashboard, '/');
      expect(page.status).toBe(503);
      expect(page.body).toContain('The embedded database is busy');
      expect(page.body).toContain('running project &#39;mon_fail&#39; as run 4242');
      expect(hasElement(page.body, 'meta', { 'http-equiv': 'refresh', content: '5' })).toBe(true);
      const api = await get(dashboard, '/api/runs/1');
      expect(api.status).toBe(503);
      expect(JSON.parse(api.body)).toMatchObject({ error: 'busy' });
    } finally {
      await holder.close();
    }
    expect((await get(dashboard, '/runs/1')).status).toBe(200);
  });
});
