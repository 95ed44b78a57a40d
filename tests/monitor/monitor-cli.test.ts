import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { collect, fixtureHome, runCli, startCli, type CliResult } from '../helpers/cli.js';
import { createTestDatabase, smokeKinds, type TestDatabase } from '../helpers/test-databases.js';
import { makeHistory, type MonitorHistory } from './dashboard-fixture.js';

// every request opens the embedded database and every command starts a process: slow on a busy machine
vi.setConfig({ testTimeout: 180_000 });

/** The JSON a command printed; a failed command shows its stderr instead of a JSON parse error. */
function jsonOf(result: CliResult): unknown {
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout);
}

describe.each(smokeKinds)('monitor: dwh monitor, dwh runs and dwh ui on the command line (%s)', (kind) => {
  let db: TestDatabase;
  let history: MonitorHistory;
  let env: Record<string, string>;

  beforeAll(async () => {
    db = await createTestDatabase(kind, 'monitor-cli');
    history = await makeHistory(db);
    env = { DWH_HOME: fixtureHome, ...db.env };
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('dwh monitor --json: per project last success, lateness, failures and trends, then database health', async () => {
    const result = await runCli(['monitor', '--json'], { env });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as {
      warehouse: { kind: string; description: string };
      projects: {
        project: string;
        schedule: string | null;
        loadError: string | null;
        lastSuccess: { runId: number } | null;
        lastRun: { runId: number; status: string } | null;
        lateness: { state: string; due: string | null };
        recentFailures: number;
        trends: { successfulRuns: number };
      }[];
      postgres: Record<string, { available: boolean; reason?: string; rows?: Record<string, unknown>[] }>;
    };
    expect(report.warehouse.kind).toBe(kind === 'pglite' ? 'pglite' : 'postgres');
    const byName = new Map(report.projects.map((p) => [p.project, p]));
    expect(byName.get('mon_ok')).toMatchObject({
      schedule: '0 3 * * *',
      lastSuccess: { runId: history.okSecond },
      lateness: { state: 'on_time' },
      recentFailures: 0,
      trends: { successfulRuns: 2 },
    });
    expect(byName.get('mon_fail')).toMatchObject({
      lastSuccess: null,
      lastRun: { runId: history.failed, status: 'failed' },
      recentFailures: 1,
    });
    expect(byName.get('bad_params')!.loadError).toMatch(/parameters\.ts/);
    const tables = report.postgres.tables!.rows!.map((t) => `${String(t.schema)}.${String(t.table)}`);
    expect(tables).toContain('dwh.etl_runs');
    expect(report.postgres.cache!.available).toBe(true);
    const unavailable = Object.entries(report.postgres)
      .filter(([, s]) => typeof s === 'object' && s !== null && 'available' in s && !s.available)
      .map(([name]) => name)
      .sort();
    expect(unavailable).toEqual(
      kind === 'pglite'
        ? ['blocked', 'connections', 'longRunning', 'missingIndexHints', 'unusedIndexes']
        : [],
    );
  });

  it('dwh monitor stores the table sizes it measured, so the next report shows growth', async () => {
    const first = jsonOf(await runCli(['monitor', '--json'], { env })) as {
      generatedAt: string;
    };
    expect(existsSync(path.join(db.metadataDir, 'monitor', 'table-sizes.json'))).toBe(true);
    const second = jsonOf(await runCli(['monitor', '--json'], { env })) as {
      growth: { since: string | null; bytes: Record<string, number> };
    };
    expect(second.growth.since).not.toBeNull();
    expect(Date.parse(second.growth.since!)).toBeLessThanOrEqual(Date.parse(first.generatedAt));
    expect(second.growth.bytes['dwh.etl_runs']).toBeTypeOf('number');
    const text = await runCli(['monitor'], { env });
    expect(text.stdout).toMatch(/^Tables \(largest first; growth since \d{4}-\d{2}-\d{2} /m);
  });

  it('dwh monitor: a readable report that says what the database cannot provide', async () => {
    const result = await runCli(['monitor'], { env });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Projects$/m);
    expect(result.stdout).toMatch(/^ {2}mon_ok\s+0 3 \* \* \*\s+on_time/m);
    expect(result.stdout).toMatch(/bad_params does not load: /);
    if (kind === 'pglite')
      expect(result.stdout).toMatch(/Connections\n {2}not available: PGlite runs PostgreSQL/);
    else expect(result.stdout).toMatch(/max_connections \d+/);
    // no colour codes when the output is not a terminal
    expect(result.stdout).not.toContain('\u001b[');
  });

  it('dwh runs: a table with status, window, duration and records; failed runs name their failing task', async () => {
    const result = await runCli(['runs'], { env });
    expect(result.code).toBe(0);
    const lines = result.stdout.split('\n');
    expect(lines[0]).toMatch(/^run\s+project\s+status\s+load\s+window\s+started\s+duration\s+records/);
    expect(result.stdout).toMatch(
      new RegExp(
        `^\\s*${history.failed}\\s+mon_fail\\s+failed\\s+I\\s+2026-01-01 → 2026-02-01 .* 5\\s+full\\s+local`,
        'm',
      ),
    );
    expect(result.stdout).toContain('    load_orders #2 failed');
    expect(result.stdout).not.toContain('\u001b[');
  });

  it('dwh runs --status and --since filter; --json keeps runs with an attempts array', async () => {
    const failed = jsonOf(await runCli(['runs', '--status', 'failed', '--json'], { env })) as {
      run_id: number;
      status: string;
      attempts: { task_name: string; status: string }[];
    }[];
    expect(failed.map((r) => [r.run_id, r.status])).toEqual([[history.failed, 'failed']]);
    expect(failed[0]!.attempts.map((a) => `${a.task_name}:${a.status}`)).toEqual([
      'extract_orders:success',
      'load_orders:up_for_retry',
      'load_orders:failed',
      'publish:upstream_failed',
    ]);
    const recent = jsonOf(await runCli(['runs', 'mon_ok', '--since', '1h', '--json'], { env })) as {
      run_id: number;
    }[];
    expect(recent.map((r) => r.run_id)).toEqual([history.okSecond, history.okFirst]);
    const future = await runCli(['runs', '--since', '2099-01-01'], { env });
    expect(future.stdout).toBe('no runs since 2099-01-01T00:00:00.000Z\n');
    const bad = await runCli(['runs', '--since', 'yesterday'], { env });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--since: 'yesterday' is neither a date");
  });

  it('dwh ui serves on 127.0.0.1 by default and stops on SIGTERM', async () => {
    const child = startCli(['ui', '--port', '0'], { env });
    const done = collect(child, 120_000);
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout!.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const match = /serving (http:\/\/\S+)/.exec(out);
        if (match) resolve(match[1]!);
      });
      child.on('close', () => reject(new Error(`dwh ui exited: ${out}`)));
    });
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const response = await fetch(new URL('/api/grid', url));
    expect(response.status).toBe(200);
    child.kill('SIGTERM');
    const result = await done;
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
  });

  it('dwh ui rejects a bad port', async () => {
    const result = await runCli(['ui', '--port', 'eighty'], { env });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("--port: 'eighty' is not a port number");
  });
});
