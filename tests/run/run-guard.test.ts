import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunRow } from '../../src/audit/run-store.js';
import type { AttemptRow } from '../../src/audit/task-run-store.js';
import { cliPath, collect, fixtureHome, repoRoot, runCli, startCli } from '../helpers/cli.js';
import { createTestDatabase, targetKinds, type TestDatabase } from '../helpers/test-databases.js';

type RunJson = RunRow & { attempts: AttemptRow[] };

describe.each(targetKinds)('run: a failure outside the task loop ends the run failed (%s)', (kind) => {
  let db: TestDatabase;
  let env: Record<string, string>;
  const children: ChildProcess[] = [];

  beforeEach(async () => {
    db = await createTestDatabase(kind, 'run-guard');
    env = { ...db.env, DWH_HOME: fixtureHome, DWH_HEARTBEAT_MS: '200' };
  });
  afterEach(async () => {
    for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
    await db.drop();
  });

  async function lastRun(project: string): Promise<RunJson> {
    const runs = JSON.parse((await runCli(['runs', project, '--json'], { env })).stdout) as RunJson[];
    return runs[0]!;
  }

  it.each([
    ['rejection', "unhandled promise rejection in task 'stray': the stray rejection"],
    ['exception', "uncaught exception in task 'stray': the uncaught exception"],
  ])(
    'a stray %s of a task: exit 1, the run failed with its message, the e-mail tried',
    async (mode, message) => {
      const result = await runCli(['run', 'rs_stray', '--end-date', '2026-02-01'], {
        env: { ...env, DWH_TEST_STRAY: mode },
      });
      expect(result.code, result.stderr).toBe(1);
      expect(result.stdout).toContain(message);
      expect(`${result.stdout}${result.stderr}`).not.toContain('data:');

      const run = await lastRun('rs_stray');
      expect(run.status).toBe('failed');
      expect(run.error_message).toContain(message);
      expect(run.email_status).toMatch(/^skipped: no smtp section/);
      // not retried, and nothing else starts
      expect(run.attempts.map((a) => [a.task_name, a.attempt, a.status])).toEqual([['stray', 1, 'failed']]);
    },
  );

  it('SIGHUP (the terminal closed): exit 1, the run failed with the signal', async () => {
    const marker = path.join(mkdtempSync(path.join(os.tmpdir(), 'dwh-marker-')), 'running');
    const child = startCli(['run', 'slow', '--end-date', '2026-02-01'], {
      env: { ...env, DWH_TEST_MARKER: marker },
    });
    children.push(child);
    const done = collect(child, 60_000);
    while (!existsSync(marker) || readFileSync(marker, 'utf8') === '') {
      if (child.exitCode !== null) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    child.kill('SIGHUP');
    const result = await done;
    expect(result.code, result.stderr).toBe(1);

    const run = await lastRun('slow');
    expect(run.status).toBe('failed');
    expect(run.error_message).toMatch(/received SIGHUP/);
    expect(run.email_status).toMatch(/^skipped/);
  });
});

const hasPrlimit = spawnSync('prlimit', ['--version']).status === 0;
const serverWithPrlimit = targetKinds.includes('postgres') && hasPrlimit ? describe : describe.skip;

serverWithPrlimit('run: the run log cannot be written (postgres)', () => {
  let db: TestDatabase;
  beforeEach(async () => {
    db = await createTestDatabase('postgres', 'run-guard-log');
  });
  afterEach(async () => {
    await db.drop();
  });

  it('a file size limit hit by the log: exit 1, the run failed naming the log file and the error', async () => {
    const env = { ...db.env, DWH_HOME: fixtureHome, NO_COLOR: '1' };
    // the kernel refuses writes past 8 KB of any file (EFBIG), as a full disk refuses them (ENOSPC)
    const child = spawn(
      'prlimit',
      ['--fsize=8192', process.execPath, cliPath, 'run', 'rs_chatty', '--end-date', '2026-02-01'],
      {
        cwd: repoRoot,
        env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const result = await collect(child, 60_000);
    expect(result.code, result.stderr).toBe(1);
    expect(result.stdout).toMatch(/cannot write the run log .*rs_chatty.*_etl\.log: EFBIG/);

    const runs = JSON.parse(
      (await runCli(['runs', 'rs_chatty', '--json'], { env: { ...env, DWH_HOME: fixtureHome } })).stdout,
    ) as RunJson[];
    expect(runs[0]!.status).toBe('failed');
    expect(runs[0]!.error_message).toMatch(/cannot write the run log .*EFBIG/);
    expect(runs[0]!.email_status).toMatch(/^skipped/);
  });
});
