import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunRow } from '../../src/audit/run-store.js';
import type { AttemptRow } from '../../src/audit/task-run-store.js';
import { collect, fixtureHome, runCli, startCli } from '../helpers/cli.js';
import { createTestDatabase, smokeKinds, targetKinds, type TestDatabase } from '../helpers/test-databases.js';

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

const serverOnly = targetKinds.includes('postgres') ? describe : describe.skip;

serverOnly('audit: a run that loses its run lock (postgres)', () => {
  let db: TestDatabase;
  let marker: string;
  let env: Record<string, string>;
  const children: ChildProcess[] = [];

  beforeEach(async () => {
    db = await createTestDatabase('postgres', 'lock-lost');
    marker = path.join(mkdtempSync(path.join(os.tmpdir(), 'dwh-marker-')), 'running');
    env = { ...db.env, DWH_HOME: fixtureHome, DWH_TEST_MARKER: marker, DWH_HEARTBEAT_MS: '200' };
  });
  afterEach(async () => {
    for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
    await db.drop();
  });

  /** Ends the server session that holds the project's advisory lock, as an administrator or a restart would. */
  async function terminateLockSession(): Promise<void> {
    const admin = new pg.Client({ connectionString: db.url! });
    await admin.connect();
    try {
      const { rows } = await admin.query<{ pid: number }>(
        `select pid from pg_locks where locktype = 'advisory' and granted
           and database = (select oid from pg_database where datname = current_database())`,
      );
      expect(rows).toHaveLength(1);
      await admin.query('select pg_terminate_backend($1)', [rows[0]!.pid]);
    } finally {
      await admin.end();
    }
  }

  it('stops with "lost the run lock" before writing again; the next run waits for it, and nothing is overwritten', async () => {
    // the first run would finish on its own 4 s later and record success if it did not notice
    const first = startCli(['run', 'slow', '--end-date', '2026-02-01'], {
      env: { ...env, DWH_TEST_WAIT_MS: '4000' },
    });
    children.push(first);
    const firstResult = collect(first, 30_000);
    const runId = Number(await waitForFile(marker, first));
    await terminateLockSession();

    const second = await runCli(['run', 'slow', '--end-date', '2026-02-01'], {
      env: { ...env, DWH_TEST_MARKER: '', DWH_TEST_WAIT_MS: '0' },
    });
    const result = await firstResult;
    expect(result.code, result.stdout).toBe(1);
    expect(result.stdout).toContain(`project 'slow' lost the run lock of run ${runId}`);
    expect(second.code, second.stderr).toBe(0);

    const runs = JSON.parse((await runCli(['runs', 'slow', '--json'], { env })).stdout) as Array<
      RunRow & { attempts: AttemptRow[] }
    >;
    const lost = runs.find((r) => r.run_id === runId)!;
    expect(lost.status).toBe('failed');
    expect(lost.error_message).toMatch(/lost the run lock/);
    expect(lost.attempts.find((a) => a.task_name === 'wait')?.status).toBe('failed');
    // the second run started only after the first had stopped
    const next = runs.find((r) => r.run_id !== runId)!;
    expect(next.status).toBe('success');
    const nextStart = new Date(next.start_script_execution_time).getTime();
    expect(nextStart).toBeGreaterThanOrEqual(new Date(lost.end_script_execution_time!).getTime());
  });
});
