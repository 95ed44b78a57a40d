import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunRow } from '../../src/audit/run-store.js';
import type { AttemptRow } from '../../src/audit/task-run-store.js';
import { fixtureHome, runCli } from '../helpers/cli.js';
import { runFixture } from '../helpers/run-fixture.js';
import { createTestDatabase, targetKinds, type TestDatabase } from '../helpers/test-databases.js';

type RunJson = RunRow & { attempts: AttemptRow[] };

describe.each(targetKinds)('runner: a task that skips itself with TaskSkipped (%s)', (kind) => {
  let db: TestDatabase;
  let dir: string;
  let env: Record<string, string>;
  beforeEach(async () => {
    db = await createTestDatabase(kind, 'runner-self-skip');
    dir = mkdtempSync(path.join(os.tmpdir(), 'dwh-self-skip-'));
    env = { ...db.env, DWH_HOME: fixtureHome, DWH_TEST_RAN: path.join(dir, 'ran') };
  });
  afterEach(async () => {
    await db.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** The tasks that ran since the last call. */
  const ran = () => {
    const file = env.DWH_TEST_RAN!;
    if (!existsSync(file)) return [];
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    rmSync(file);
    return lines;
  };
  async function run(args: string[], extra: Record<string, string> = {}) {
    const result = await runCli(['run', 'self_skip', ...args], { env: { ...env, ...extra } });
    const [last] = JSON.parse((await runCli(['runs', 'self_skip', '--json'], { env })).stdout) as RunJson[];
    const tasks = Object.fromEntries(
      last!.attempts.map((a) => [a.task_name, [a.status, a.attempt, a.error_message]]),
    );
    return { result, run: last!, tasks };
  }
  const full = ['-l', 'F', '--end-date', '2026-02-01'];

  it('ends the task skipped, not retried; the skip follows the trigger rules and the run is partial', async () => {
    const { result, run: r, tasks } = await run(full, { DWH_TEST_SOURCE: 'holiday' });
    expect(result.code, result.stderr).toBe(0);
    expect(ran().sort()).toEqual(['fetch', 'report', 'side']);
    expect(tasks).toEqual({
      fetch: ['skipped', 1, 'no delivery on holidays'],
      load: ['skipped', 1, 'upstream task(s) were skipped: fetch'],
      report: ['success', 1, null],
      side: ['success', 1, null],
    });
    expect([r.status, r.run_kind]).toEqual(['success', 'partial']);
    expect(result.stdout).toMatch(/fetch +skipped +1 .*no delivery on holidays/);
  });

  it('with nothingToDo the run stays complete: the next window starts at its end', async () => {
    const { run: r } = await run(full, { DWH_TEST_SOURCE: 'empty' });
    expect([r.status, r.run_kind]).toEqual(['success', 'full']);
    const next = await runFixture(db, 'self_skip', { dryRun: true, endDate: new Date('2026-02-10') });
    expect(next.window.start.toISOString()).toBe('2026-02-01T00:00:00.000Z');
  });

  it('a resumed run decides a task that skipped itself again, and what follows it', async () => {
    // report (all_done) succeeded after the skip; side failed the run
    const failed = await run(full, { DWH_TEST_SOURCE: 'holiday', DWH_TEST_FAIL_SIDE: '1' });
    expect(failed.result.code).toBe(1);
    expect(failed.tasks.report).toEqual(['success', 1, null]);
    ran();
    // the delivery has come: fetch runs again, so load and report run after it, not reused
    const resumed = await run(['--resume']);
    expect(resumed.result.code, resumed.result.stderr).toBe(0);
    expect(ran().sort()).toEqual(['fetch', 'load', 'report', 'side']);
    expect([resumed.run.resumed_from, resumed.run.run_kind]).toEqual([failed.run.run_id, 'full']);
  });
});
