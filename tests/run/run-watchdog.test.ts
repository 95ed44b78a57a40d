import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunRow } from '../../src/audit/run-store.js';
import type { AttemptRow } from '../../src/audit/task-run-store.js';
import { fixtureHome, runCli } from '../helpers/cli.js';
import { createTestDatabase, targetKinds, type TestDatabase } from '../helpers/test-databases.js';

type RunJson = RunRow & { attempts: AttemptRow[] };

const explanation = "task 'spin' blocked the event loop past its timeout of 300 ms and 500 ms of grace";

describe.each(targetKinds)('runner: a task that blocks the event loop (%s)', (kind) => {
  let db: TestDatabase;
  let env: Record<string, string>;
  beforeEach(async () => {
    db = await createTestDatabase(kind, 'run-watchdog');
    env = { ...db.env, DWH_HOME: fixtureHome, DWH_HEARTBEAT_MS: '200', DWH_WATCHDOG_GRACE_MS: '500' };
  });
  afterEach(async () => {
    await db.drop();
  });

  it('is stopped by the watchdog past its timeout + grace, with an explanation naming the task', async () => {
    const started = Date.now();
    // without the watchdog the loop would spin for two minutes, ignoring its timeout and SIGTERM
    const result = await runCli(['run', 'rs_spin', '--end-date', '2026-02-01'], { env, timeoutMs: 45_000 });
    expect(Date.now() - started).toBeLessThan(45_000);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain(explanation);
    const logs = path.join(db.metadataDir, 'rs_spin', 'logs');
    const [logFile] = readdirSync(logs);
    expect(readFileSync(path.join(logs, logFile!), 'utf8')).toContain(explanation);

    if (kind !== 'pglite') {
      // the watchdog wrote the failure through a connection of its own
      const [run] = JSON.parse((await runCli(['runs', 'rs_spin', '--json'], { env })).stdout) as RunJson[];
      expect(run!.status).toBe('failed');
      expect(run!.error_message).toContain("task 'spin': blocked the event loop past its timeout of 300 ms");
      expect(run!.attempts.map((a) => [a.task_name, a.status, a.error_message])).toEqual([
        ['spin', 'failed', expect.stringContaining('blocked the event loop')],
      ]);
    } else {
      // PGlite lives in the blocked process: the next start marks the run crashed
      const next = await runCli(['run', 'rs_spin', '--end-date', '2026-02-01'], {
        env: { ...env, DWH_TEST_SPIN_MS: '0' },
      });
      expect(next.code, next.stderr).toBe(0);
      const runs = JSON.parse((await runCli(['runs', 'rs_spin', '--json'], { env })).stdout) as RunJson[];
      expect(runs.map((r) => r.status)).toEqual(['success', 'crashed']);
      expect(runs[1]!.attempts.map((a) => [a.task_name, a.status])).toEqual([['spin', 'failed']]);
    }
  });

  it('watches every running attempt: a task without a timeout started beside does not hide the blocked one', async () => {
    const started = Date.now();
    const result = await runCli(['run', 'rs_spin_beside', '--end-date', '2026-02-01'], {
      env,
      timeoutMs: 45_000,
    });
    expect(Date.now() - started).toBeLessThan(45_000);
    expect(result.code).not.toBe(0);
    const message = "task 'spin' blocked the event loop past its timeout of 300 ms and 500 ms of grace";
    expect(result.stderr).toContain(message);
    if (kind !== 'pglite') {
      const [run] = JSON.parse(
        (await runCli(['runs', 'rs_spin_beside', '--json'], { env })).stdout,
      ) as RunJson[];
      expect(run!.status).toBe('failed');
      const spin = run!.attempts.find((a) => a.task_name === 'spin');
      expect([spin?.status, spin?.error_message]).toEqual([
        'failed',
        expect.stringContaining('blocked the event loop'),
      ]);
      // `idle` had started beside it, and is not left `running` when the process is stopped under it
      expect(run!.attempts.map((a) => a.task_name).sort()).toEqual(['idle', 'spin']);
      const idle = run!.attempts.find((a) => a.task_name === 'idle');
      expect([idle?.status, idle?.error_message]).toEqual([
        'failed',
        expect.stringContaining(
          "the process was stopped while this attempt was running: task 'spin' blocked",
        ),
      ]);
    }
  });
});
