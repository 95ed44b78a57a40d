import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunRow } from '../../src/audit/run-store.js';
import type { AttemptRow } from '../../src/audit/task-run-store.js';
import { collect, fixtureHome, runCli, startCli } from '../helpers/cli.js';
import { createTestDatabase, targetKinds, type TestDatabase } from '../helpers/test-databases.js';

type RunJson = RunRow & { attempts: AttemptRow[] };

describe.each(targetKinds)('run: --resume after kill -9 of the run (%s)', (kind) => {
  let db: TestDatabase;
  let dir: string;
  let env: Record<string, string>;
  const children: ChildProcess[] = [];
  beforeEach(async () => {
    db = await createTestDatabase(kind, 'resume-crash');
    dir = mkdtempSync(path.join(os.tmpdir(), 'dwh-resume-crash-'));
    env = {
      ...db.env,
      DWH_HOME: fixtureHome,
      DWH_TEST_RESUME_LOG: path.join(dir, 'ran.log'),
      DWH_TEST_HOLD_FILE: path.join(dir, 'hold'),
      DWH_HEARTBEAT_MS: '200',
    };
  });
  afterEach(async () => {
    for (const child of children.splice(0))
      if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, 'SIGKILL');
    await db.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Waits until the task's attempt is recorded `running`; the run's id. */
  async function runningAttempt(task: string, child: ChildProcess): Promise<number> {
    const warehouse = await db.open();
    try {
      const started = Date.now();
      for (;;) {
        const rows = await warehouse
          .query<{ run_id: number }>(
            `select run_id from dwh.etl_task_runs where task_name = $1 and status = 'running'`,
            [task],
          )
          // the first run creates the audit schema
          .catch(() => []);
        if (rows[0]) return Number(rows[0].run_id);
        if (child.exitCode !== null) throw new Error(`dwh run exited early with ${child.exitCode}`);
        if (Date.now() - started > 60_000) throw new Error(`task '${task}' did not start`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    } finally {
      await warehouse.close();
    }
  }

  it('marks the killed run crashed when the resume starts, and re-runs what it left, reusing what succeeded', async () => {
    writeFileSync(env.DWH_TEST_HOLD_FILE!, '');
    const child = startCli(['run', 'resume_hold', '-l', 'F', '--end-date', '2026-01-05'], {
      env,
      detached: true,
    });
    children.push(child);
    const killed = await runningAttempt('hold', child);
    process.kill(-child.pid!, 'SIGKILL');
    await collect(child, 10_000).catch(() => undefined);
    rmSync(env.DWH_TEST_HOLD_FILE!);
    rmSync(env.DWH_TEST_RESUME_LOG!);

    const result = await runCli(['run', 'resume_hold', '--resume'], { env });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`run ${killed} of resume_hold had lost its process: marked crashed`);
    expect(result.stdout).toContain(`resuming run ${killed}: reusing first; re-running hold, after`);
    // first is not run again; after reads its value all the same
    expect(readFileSync(env.DWH_TEST_RESUME_LOG!, 'utf8').trim().split('\n')).toEqual([
      'hold',
      'after from first',
    ]);

    const [resumed, crashed] = JSON.parse(
      (await runCli(['runs', 'resume_hold', '--json'], { env })).stdout,
    ) as RunJson[];
    expect(crashed).toMatchObject({ run_id: killed, status: 'crashed', data_max_date: null });
    expect(crashed!.attempts.find((a) => a.task_name === 'hold')).toMatchObject({
      status: 'failed',
      error_message: 'the run crashed while this attempt was running',
    });
    expect(resumed).toMatchObject({
      resumed_from: killed,
      status: 'success',
      run_kind: 'full',
      number_of_records: 5,
      // the crashed run never wrote its data dates: the reused attempt's are kept with it
      data_max_date: '2026-01-02T00:00:00.000Z',
    });
    expect(resumed!.attempts.map((a) => [a.task_name, a.status, a.reused_from])).toEqual([
      ['first', 'success', killed],
      ['hold', 'success', null],
      ['after', 'success', null],
    ]);
  }, 120_000);
});
