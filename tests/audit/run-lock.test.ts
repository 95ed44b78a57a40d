import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AttemptRow, RunRow } from '../../src/audit/run-store.js';
import { collect, fixtureHome, runCli, startCli } from '../helpers/cli.js';
import { createTestDatabase, smokeKinds, type TestDatabase } from '../helpers/test-databases.js';

async function waitForFile(file: string, child: ChildProcess, timeoutMs = 30_000): Promise<string> {
  const started = Date.now();
  while (!existsSync(file) || readFileSync(file, 'utf8') === '') {
    if (child.exitCode !== null) throw new Error(`dwh exited early with ${child.exitCode}`);
    if (Date.now() - started > timeoutMs) throw new Error(`${file} did not appear`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return readFileSync(file, 'utf8');
}

describe.each(smokeKinds)('audit: one run at a time and crash recovery (%s)', (kind) => {
  let db: TestDatabase;
  let marker: string;
  let env: Record<string, string>;
  const children: ChildProcess[] = [];

  beforeEach(async () => {
    db = await createTestDatabase(kind, 'run-lock');
    marker = path.join(mkdtempSync(path.join(os.tmpdir(), 'dwh-marker-')), 'running');
    env = { ...db.env, DWH_HOME: fixtureHome, DWH_TEST_MARKER: marker, DWH_HEARTBEAT_MS: '200' };
  });
  afterEach(async () => {
    for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
    await db.drop();
  });

  it('refuses a second run of a running project with exit code 3, naming the active run', async () => {
    const first = startCli(['run', 'slow', '--end-date', '2026-02-01'], { env });
    children.push(first);
    const runId = await waitForFile(marker, first);

    const second = await runCli(['run', 'slow', '--end-date', '2026-02-01'], {
      env: { ...env, DWH_TEST_MARKER: '' },
    });
    expect(second.code).toBe(3);
    expect(second.stderr).toContain(kind === 'pglite' ? `as run ${runId}` : `run ${runId} (pid ${first.pid}`);

    first.kill('SIGTERM');
    const result = await collect(first, 30_000);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/received SIGTERM/);
  });

  it('ends an interrupted run as failed with the signal in error_message, leaving nothing running', async () => {
    const first = startCli(['run', 'slow', '--end-date', '2026-02-01'], { env });
    children.push(first);
    const runId = await waitForFile(marker, first);
    first.kill('SIGINT');
    expect((await collect(first, 30_000)).code).toBe(1);

    const runs = await runCli(['runs', 'slow', '--json'], { env });
    const [run] = JSON.parse(runs.stdout) as Array<RunRow & { attempts: AttemptRow[] }>;
    expect(run!.run_id).toBe(Number(runId));
    expect(run!.status).toBe('failed');
    expect(run!.error_message).toMatch(/received SIGINT/);
    expect(run!.attempts.map((a) => [a.task_name, a.status])).toEqual([
      ['prepare', 'success'],
      ['wait', 'failed'],
    ]);
  });

  it('marks a killed run crashed with an explanation when the next run starts, and the next run proceeds', async () => {
    const first = startCli(['run', 'slow', '--end-date', '2026-02-01'], { env });
    children.push(first);
    const runId = Number(await waitForFile(marker, first));
    // let at least one heartbeat land
    await new Promise((resolve) => setTimeout(resolve, 400));
    first.kill('SIGKILL');
    await collect(first, 10_000).catch(() => undefined);

    const next = await runCli(['run', 'slow', '--end-date', '2026-02-01'], {
      env: { ...env, DWH_TEST_MARKER: '', DWH_TEST_WAIT_MS: '0' },
    });
    expect(next.code, next.stderr).toBe(0);
    expect(next.stdout).toContain(`run ${runId} of slow had lost its process: marked crashed`);

    const runs = JSON.parse((await runCli(['runs', 'slow', '--json'], { env })).stdout) as Array<
      RunRow & { attempts: AttemptRow[] }
    >;
    const crashed = runs.find((r) => r.run_id === runId)!;
    expect(crashed.status).toBe('crashed');
    expect(crashed.error_message).toMatch(
      new RegExp(
        `crashed: process ${first.pid} on .+ stopped without finishing the run \\(its run lock was free; last heartbeat `,
      ),
    );
    expect(crashed.end_script_execution_time).not.toBeNull();
    expect(crashed.attempts.find((a) => a.task_name === 'wait')).toMatchObject({
      status: 'failed',
      error_message: 'the run crashed while this attempt was running',
    });
    expect(runs[0]!.status).toBe('success');
    expect(runs.filter((r) => r.status === 'running')).toEqual([]);
  });
});
