import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startDashboard, type Dashboard } from '../../src/monitor/dashboard-server.js';
import { createTestDatabase, smokeKinds, type TestDatabase } from '../helpers/test-databases.js';
import {
  countElements,
  dashboardConfig,
  get,
  hasElement,
  makeHistory,
  startTestDashboard,
  storeDqResults,
  type MonitorHistory,
} from './dashboard-fixture.js';

// every request opens the embedded database and every command starts a process: slow on a busy machine
vi.setConfig({ testTimeout: 180_000 });

describe.each(smokeKinds)('monitor: dashboard pages and JSON after real runs (%s)', (kind) => {
  let db: TestDatabase;
  let history: MonitorHistory;
  let dashboard: Dashboard;

  beforeAll(async () => {
    db = await createTestDatabase(kind, 'monitor-dashboard');
    history = await makeHistory(db);
    await storeDqResults(db, history.okFirst);
    dashboard = await startTestDashboard(db);
  });
  afterAll(async () => {
    await dashboard?.close();
    await db?.drop();
  });

  it('binds to 127.0.0.1 by default', () => {
    expect(dashboard.server.address()).toMatchObject({ address: '127.0.0.1' });
    expect(dashboard.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
  });

  it('grid: one row per project with a cell per run, coloured by status and linking to the run', async () => {
    const { status, body, headers } = await get(dashboard, '/');
    expect(status).toBe(200);
    expect(headers.get('content-type')).toBe('text/html; charset=utf-8');
    for (const project of ['mon_ok', 'mon_fail', 'ordering'])
      expect(hasElement(body, 'tr', { 'data-project': project })).toBe(true);
    expect(
      hasElement(body, 'a', {
        class: 'cell st-failed',
        'data-run-id': history.failed,
        href: `/runs/${history.failed}`,
      }),
    ).toBe(true);
    expect(
      hasElement(body, 'a', {
        class: 'cell st-success',
        'data-run-id': history.okSecond,
        href: `/runs/${history.okSecond}`,
      }),
    ).toBe(true);
    expect(countElements(body, 'a', { 'data-status': 'success' })).toBe(2);
    // a project that never ran is listed too
    expect(body).toMatch(/data-project="ordering"[\s\S]*?never run/);
  });

  it('grid JSON: projects with their recent runs, lateness and trends', async () => {
    const { status, body } = await get(dashboard, '/api/grid');
    expect(status).toBe(200);
    const grid = JSON.parse(body) as {
      projects: {
        project: string;
        schedule: string | null;
        runs: { runId: number; status: string }[];
        lateness: { state: string };
      }[];
    };
    const ok = grid.projects.find((p) => p.project === 'mon_ok')!;
    expect(ok.schedule).toBe('0 3 * * *');
    expect(ok.runs.map((r) => [r.runId, r.status])).toEqual([
      [history.okSecond, 'success'],
      [history.okFirst, 'success'],
    ]);
    // it succeeded just now, after its last due time (03:00 UTC today or earlier)
    expect(ok.lateness.state).toBe('on_time');
    expect(grid.projects.find((p) => p.project === 'ordering')!.lateness.state).toBe('unscheduled');
  });

  it('run page: the failing task, its attempts on a timeline, its error escaped, and the log tail', async () => {
    const { status, body } = await get(dashboard, `/runs/${history.failed}`);
    expect(status).toBe(200);
    expect(hasElement(body, 'tr', { 'data-task': 'load_orders', 'data-status': 'failed' })).toBe(true);
    expect(hasElement(body, 'tr', { 'data-task': 'publish', 'data-status': 'upstream_failed' })).toBe(true);
    expect(body).toContain(
      'source answered &lt;script&gt;alert(&quot;xss&quot;)&lt;/script&gt; &amp; &lt;b&gt;500&lt;/b&gt;',
    );
    expect(body).not.toContain('<script');
    expect(body).not.toContain('<b>500');
    expect(hasElement(body, 'svg', { class: 'timeline' })).toBe(true);
    expect(countElements(body, 'rect', { class: 'st-up_for_retry' })).toBe(1);
    expect(body).toContain('load_orders #2');
    // log tail of this run's file, escaped as well
    expect(body).toContain(
      'about to fail: &lt;b&gt;bold&lt;/b&gt; &amp; &lt;script&gt;alert(&quot;log&quot;)&lt;/script&gt;',
    );
    expect(body).toContain('no data quality results');
  });

  it('run page: data quality results of the run, failures first, sample escaped', async () => {
    const { body } = await get(dashboard, `/runs/${history.okFirst}`);
    expect(body).toMatch(
      /data-check="orders_id_not_null"\s+data-status="fail"[\s\S]*data-check="orders_fresh"\s+data-status="pass"/,
    );
    expect(body).toContain('order_id is null in 3 rows &lt;i&gt;');
    expect(body).toContain('&lt;script&gt;sample&lt;/script&gt;');
    expect(body).not.toContain('<script');
  });

  it("run page: a task's returned value, as escaped JSON", async () => {
    const { body } = await get(dashboard, `/runs/${history.okFirst}`);
    // stored as jsonb, which orders keys its own way
    const cell = /<td class="value"><code title="([^"]*)">([^<]*)<\/code><\/td>/.exec(body);
    expect(cell?.[1]).toContain('&quot;files&quot;:[&quot;orders_2026-01.csv&quot;]');
    expect(cell?.[2]).toContain('&quot;note&quot;:&quot;&lt;b&gt;bold&lt;/b&gt;&quot;');
    expect(body).not.toContain('<b>bold');
  });

  it('run JSON: run, attempts, data quality results and log', async () => {
    const { status, body } = await get(dashboard, `/api/runs/${history.failed}`);
    expect(status).toBe(200);
    const data = JSON.parse(body) as {
      run: { runId: number; status: string; errorMessage: string };
      attempts: { task: string; attempt: number; status: string; errorMessage: string | null }[];
      dq: { available: boolean; results?: unknown[] };
      log: { file: string | null; text: string };
    };
    expect(data.run).toMatchObject({ runId: history.failed, status: 'failed' });
    expect(data.run.errorMessage).toBe(
      `task 'load_orders': source answered <script>alert("xss")</script> & <b>500</b>`,
    );
    expect(data.attempts.filter((a) => a.task === 'load_orders').map((a) => [a.attempt, a.status])).toEqual([
      [1, 'up_for_retry'],
      [2, 'failed'],
    ]);
    expect(data.dq).toEqual({ available: true, results: [] });
    expect(data.log.file).toMatch(/^mon_fail\/logs\/.*_etl\.log$/);
    expect(data.log.text).toContain('failed after 2 attempt(s)');
    const ok = JSON.parse((await get(dashboard, `/api/runs/${history.okFirst}`)).body) as {
      dq: { results: { check: string; status: string; failingRows: number | null; task: string | null }[] };
    };
    expect(ok.dq.results.map((r) => [r.check, r.status, r.failingRows, r.task])).toEqual([
      ['orders_id_not_null', 'fail', 3, 'load'],
      ['orders_fresh', 'pass', null, 'load'],
    ]);
  });

  it('project page: duration and records charts per run, and the run list', async () => {
    const { status, body } = await get(dashboard, '/projects/mon_ok');
    expect(status).toBe(200);
    expect(body).toContain('aria-label="Duration per run (seconds)"');
    expect(body).toContain('aria-label="Records per run"');
    expect(countElements(body, 'rect', { class: 'st-success' })).toBe(4); // two runs × two charts
    expect(hasElement(body, 'tr', { 'data-run-id': history.okSecond })).toBe(true);
    const json = JSON.parse((await get(dashboard, '/api/projects/mon_fail')).body) as {
      project: string;
      runs: { status: string }[];
    };
    expect(json.project).toBe('mon_fail');
    expect(json.runs.map((r) => r.status)).toEqual(['failed']);
  });

  it('health page and JSON: projects, table sizes, and what this database cannot report', async () => {
    const page = await get(dashboard, '/health');
    expect(page.status).toBe(200);
    expect(page.body).toContain('dwh.etl_runs');
    const health = JSON.parse((await get(dashboard, '/api/health')).body) as {
      warehouse: { kind: string };
      projects: { project: string; recentFailures: number }[];
      postgres: Record<string, { available: boolean; reason?: string; rows?: unknown[] }>;
    };
    // the embedded server is a PostgreSQL server like any other
    expect(health.warehouse.kind).toBe(kind === 'pglite' ? 'pglite' : 'postgres');
    expect(health.projects.find((p) => p.project === 'mon_fail')!.recentFailures).toBe(1);
    expect(health.postgres.tables!.available).toBe(true);
    if (kind === 'pglite') {
      expect(health.postgres.connections).toMatchObject({ available: false });
      expect(health.postgres.unusedIndexes!.reason).toMatch(/PGlite/);
      expect(page.body).toContain('Not available: PGlite runs PostgreSQL as a single backend');
    } else {
      expect(health.postgres.connections!.available).toBe(true);
      expect(health.postgres.unusedIndexes!.available).toBe(true);
      expect(page.body).toContain('max_connections');
    }
  });

  it('answers unknown runs, projects and paths with 404, and writes with 405', async () => {
    expect((await get(dashboard, '/runs/999999')).status).toBe(404);
    expect(JSON.parse((await get(dashboard, '/api/runs/999999')).body)).toMatchObject({ error: 'not_found' });
    expect((await get(dashboard, '/projects/nope')).status).toBe(404);
    expect((await get(dashboard, '/projects/%zz')).status).toBe(404);
    expect((await get(dashboard, '/runs/abc')).status).toBe(404);
    expect((await get(dashboard, '/admin')).status).toBe(404);
    const post = await get(dashboard, '/api/grid', { method: 'POST' });
    expect(post.status).toBe(405);
  });

  it('sends a Content-Security-Policy that forbids scripts', async () => {
    const { headers } = await get(dashboard, '/health');
    expect(headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(headers.get('x-content-type-options')).toBe('nosniff');
  });

  it.runIf(kind !== 'pglite')('never shows the database password', async () => {
    // the system test server trusts local connections, so a password in the URL is accepted and ignored;
    // the embedded server's URL carries its generated password
    const url = new URL(db.url!);
    if (kind === 'postgres') url.password = 's3cr3t-pw';
    const secret = url.password;
    const withPassword = await startDashboard({
      config: { ...dashboardConfig(db), databaseUrl: url.toString() },
      port: 0,
    });
    try {
      for (const path of ['/', '/health', '/api/health', `/runs/${history.failed}`]) {
        const { status, body } = await get(withPassword, path);
        expect(status).toBe(200);
        expect(body).not.toContain(secret);
        expect(body).toContain(':***@');
      }
    } finally {
      await withPassword.close();
    }
  });
});
