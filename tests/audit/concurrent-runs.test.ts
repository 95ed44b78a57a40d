import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunRow } from '../../src/audit/run-store.js';
import type { AttemptRow } from '../../src/audit/task-run-store.js';
import { collect, fixtureHome, runCli, startCli } from '../helpers/cli.js';
import { createTestDatabase, targetKinds, type TestDatabase } from '../helpers/test-databases.js';
import { get, hasElement, startTestDashboard } from '../monitor/dashboard-fixture.js';

type RunWithAttempts = RunRow & { attempts: AttemptRow[] };

/** The run id the fixture project emb_gate_a / emb_gate_b wrote once it holds its run open. */
async function runningId(dir: string, project: string, child: ChildProcess): Promise<number> {
  const file = path.join(dir, project);
  const started = Date.now();
  while (!existsSync(file) || readFileSync(file, 'utf8') === '') {
    if (child.exitCode !== null) throw new Error(`dwh run ${project} exited early with ${child.exitCode}`);
    if (Date.now() - started > 60_000) throw new Error(`${project} did not start`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return Number(readFileSync(file, 'utf8'));
}

describe.each(targetKinds)('concurrency: runs, dwh runs and the dashboard at the same time (%s)', (kind) => {
  let db: TestDatabase;
  let scratch: string;
  let gate: string;
  let env: Record<string, string>;
  const children: ChildProcess[] = [];

  beforeEach(async () => {
    db = await createTestDatabase(kind, 'concurrent');
    scratch = mkdtempSync(path.join(os.tmpdir(), 'dwh-concurrent-'));
    gate = path.join(scratch, 'gate');
    env = { ...db.env, DWH_HOME: fixtureHome, DWH_TEST_MARKER_DIR: scratch, DWH_TEST_GATE: gate };
  });
  afterEach(async () => {
    for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
    rmSync(scratch, { recursive: true, force: true });
    await db.drop();
  });

  const start = (project: string, extra: string[] = []) => {
    const child = startCli(['run', project, '--end-date', '2026-02-01', ...extra], { env });
    children.push(child);
    return child;
  };

  it('runs two projects at once; dwh runs and the dashboard answer meanwhile and show both live', async () => {
    const a = start('emb_gate_a');
    const b = start('emb_gate_b');
    const runA = await runningId(scratch, 'emb_gate_a', a);
    const runB = await runningId(scratch, 'emb_gate_b', b);

    const during = await runCli(['runs', '--status', 'running', '--json'], { env });
    expect(during.code, during.stderr).toBe(0);
    const running = JSON.parse(during.stdout) as RunWithAttempts[];
    expect(running.map((r) => r.run_id).sort()).toEqual([runA, runB].sort());

    const dashboard = await startTestDashboard(db);
    try {
      const grid = await get(dashboard, '/');
      expect(grid.status).toBe(200);
      expect(grid.body).toContain('Running now');
      expect(grid.body).toContain('<meta http-equiv="refresh" content="5" />');
      for (const [runId, records] of [
        [runA, '7'],
        [runB, '11'],
      ] as const) {
        expect(hasElement(grid.body, 'tr', { 'data-running-run': runId })).toBe(true);
        const row = grid.body.slice(grid.body.indexOf(`data-running-run="${runId}"`)).split('</tr>')[0]!;
        expect(row).toContain('<span class="current-task">hold</span>');
        expect(row).toMatch(new RegExp(`class="num records-so-far">${records}<`));
        expect(row).toMatch(/class="num elapsed">[\d.]+ (ms|s)</);
      }
      const api = JSON.parse((await get(dashboard, '/api/grid')).body) as {
        running: { runId: number; currentTask: string; recordsSoFar: number }[];
      };
      expect(api.running.map((r) => [r.runId, r.currentTask, r.recordsSoFar]).sort()).toEqual(
        [
          [runA, 'hold', 7],
          [runB, 'hold', 11],
        ].sort(),
      );
      expect((await get(dashboard, `/runs/${runA}`)).status).toBe(200);
    } finally {
      await dashboard.close();
    }

    writeFileSync(gate, '');
    expect((await collect(a, 120_000)).code).toBe(0);
    expect((await collect(b, 120_000)).code).toBe(0);
    const after = JSON.parse((await runCli(['runs', '--json'], { env })).stdout) as RunWithAttempts[];
    const byId = new Map(after.map((r) => [r.run_id, r]));
    expect(byId.get(runA)).toMatchObject({
      project_name: 'emb_gate_a',
      status: 'success',
      number_of_records: 7,
    });
    expect(byId.get(runB)).toMatchObject({
      project_name: 'emb_gate_b',
      status: 'success',
      number_of_records: 11,
    });
    expect(byId.get(runA)!.attempts.map((t) => [t.task_name, t.status])).toEqual([
      ['load', 'success'],
      ['hold', 'success'],
    ]);
  }, 240_000);

  it('--wait: a second run of a running project waits for it, then runs; without waiting long enough it exits 3', async () => {
    const first = start('emb_gate_a');
    const firstId = await runningId(scratch, 'emb_gate_a', first);

    const impatient = await runCli(['run', 'emb_gate_a', '--end-date', '2026-02-01', '--wait', '1s'], {
      env: { ...env, DWH_TEST_MARKER_DIR: '' },
    });
    expect(impatient.code).toBe(3);
    expect(impatient.stderr).toContain(
      `project 'emb_gate_a' is already running: run ${firstId} (pid ${first.pid}`,
    );
    expect(impatient.stderr).toContain('waited 1 s');

    // a full load: the first run, once done, leaves no new time for an incremental one
    const waiting = startCli(['run', 'emb_gate_a', '--end-date', '2026-02-01', '-l', 'F', '--wait'], {
      env: { ...env, DWH_TEST_MARKER_DIR: '' },
    });
    children.push(waiting);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(waiting.exitCode).toBeNull();

    writeFileSync(gate, '');
    expect((await collect(first, 120_000)).code).toBe(0);
    const second = await collect(waiting, 120_000);
    expect(second.code, second.stderr).toBe(0);
    const runs = JSON.parse(
      (await runCli(['runs', 'emb_gate_a', '--json'], { env })).stdout,
    ) as RunWithAttempts[];
    expect(runs.map((r) => r.status)).toEqual(['success', 'success']);
    expect(runs[0]!.run_id).toBeGreaterThan(firstId);
  }, 240_000);

  it('--wait rejects a duration it cannot read', async () => {
    const result = await runCli(['run', 'emb_gate_a', '--wait', 'soon'], { env });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("--wait: 'soon' is not a duration like 30s, 10m or 2h");
  });
});
