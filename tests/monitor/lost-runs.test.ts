import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { migrate } from '../../src/audit/migrate.js';
import { insertRun } from '../../src/audit/run-store.js';
import type { Dashboard } from '../../src/monitor/dashboard-server.js';
import { fixtureHome, runCli } from '../helpers/cli.js';
import { createTestDatabase, targetKinds, type TestDatabase } from '../helpers/test-databases.js';
import { get, hasElement, startTestDashboard } from './dashboard-fixture.js';

vi.setConfig({ testTimeout: 180_000 });

const runOf = (project: string) => ({
  project,
  environment: 'local',
  version: '1.0.0',
  window: {
    loadType: 'F' as const,
    start: new Date('2026-03-01T00:00:00Z'),
    end: new Date('2026-03-02T00:00:00Z'),
    previousMaxDate: null,
  },
  targetDatabase: 'test',
  targetTable: `public.${project}`,
  gitSha: null,
  parameters: {},
  heartbeatMs: 10_000,
});

interface MonitorJson {
  projects: {
    project: string;
    lastRun: { runId: number; status: string } | null;
    lateness: { state: string; reason: string; lateByMs: number | null; due: string | null };
  }[];
}

describe.each(targetKinds)('monitor: a run whose process is gone is shown as lost (%s)', (kind) => {
  let db: TestDatabase;
  let env: Record<string, string>;
  let lostRun: number;
  let liveRun: number;

  beforeAll(async () => {
    db = await createTestDatabase(kind, 'lost-runs');
    env = { DWH_HOME: fixtureHome, ...db.env };
    const warehouse = await db.open();
    try {
      await migrate(warehouse);
      // sched_daily (due 06:00 UTC) started a run three hours ago whose process died right after it started
      lostRun = await insertRun(warehouse, runOf('sched_daily'));
      await warehouse.query(
        `update dwh.etl_runs set start_script_execution_time = now() - interval '3 hours',
           heartbeat_at = now() - interval '3 hours' where run_id = $1`,
        [lostRun],
      );
      // sched_hourly has a run whose heartbeat is fresh
      liveRun = await insertRun(warehouse, runOf('sched_hourly'));
    } finally {
      await warehouse.close();
    }
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('dwh monitor: the stale run is lost and its project is late; a fresh one is running', async () => {
    const result = await runCli(['monitor', '--json'], { env });
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout) as MonitorJson;
    const byName = new Map(report.projects.map((p) => [p.project, p]));
    const daily = byName.get('sched_daily')!;
    expect(daily.lastRun).toMatchObject({ runId: lostRun, status: 'lost' });
    expect(daily.lateness.state).not.toBe('running');
    // (within the 15 minutes of grace after 06:00 UTC it is still waiting)
    if (daily.lateness.state !== 'waiting') {
      expect(['late', 'never_succeeded']).toContain(daily.lateness.state);
      expect(daily.lateness.lateByMs).toBeGreaterThan(0);
    }
    expect(daily.lateness.reason).toContain(`run ${lostRun} was lost`);
    expect(byName.get('sched_hourly')!.lastRun).toMatchObject({ runId: liveRun, status: 'running' });
  });

  it('dashboard: the grid shows the stale run as lost, not running', async () => {
    let dashboard: Dashboard | undefined;
    try {
      dashboard = await startTestDashboard(db);
      const { status, body } = await get(dashboard, '/');
      expect(status).toBe(200);
      expect(hasElement(body, 'a', { class: 'cell st-lost', 'data-run-id': lostRun })).toBe(true);
      expect(hasElement(body, 'a', { class: 'cell st-running', 'data-run-id': liveRun })).toBe(true);
    } finally {
      await dashboard?.close();
    }
  });
});
