import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunRow } from '../../src/audit/run-store.js';
import type { AttemptRow } from '../../src/audit/task-run-store.js';
import { fixtureHome, runCli } from '../helpers/cli.js';
import { auditOf, runFixture } from '../helpers/run-fixture.js';
import { createTestDatabase, targetKinds, type TestDatabase } from '../helpers/test-databases.js';

type RunJson = RunRow & { attempts: AttemptRow[] };

// the folder the fixture's file sensor looks in (it never finds its file): read when the factory is imported
const dir = mkdtempSync(path.join(os.tmpdir(), 'dwh-sensor-soft-'));
process.env.DWH_TEST_SENSOR_DIR = dir;

const skipText =
  /^sensor 'wait_file' timed out after 0\.40 s waiting for a file never_\*\.csv in .+\/ \(softFail; (\d+) pokes, last: no file matches never_\*\.csv in .+\/\)$/;

describe.each(targetKinds)('sensors: softFail skips, and the skip propagates (%s)', (kind) => {
  let db: TestDatabase;
  let env: Record<string, string>;
  beforeAll(async () => {
    db = await createTestDatabase(kind, 'sensor-soft');
    env = { ...db.env, DWH_HOME: fixtureHome, DWH_TEST_SENSOR_DIR: dir };
  });
  afterAll(async () => {
    await db.drop();
  });

  it('a timed-out sensor with softFail ends skipped; the run succeeds (exit 0) but is partial (CLI)', async () => {
    const result = await runCli(['run', 'sensor_soft', '-l', 'F', '--end-date', '2026-01-03'], { env });
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^run \d+: SUCCESS \(partial\) — 0 records$/m);
    expect(result.stdout).toMatch(/^ +wait_file +skipped +1 .*\n +sensor: \d+ pokes$/m);
    const [run] = JSON.parse((await runCli(['runs', 'sensor_soft', '--json'], { env })).stdout) as RunJson[];
    expect([run!.status, run!.run_kind, run!.error_message]).toEqual(['success', 'partial', null]);
    const byTask = (task: string) =>
      run!.attempts.filter((a) => a.task_name === task).map((a) => [a.attempt, a.status, a.pokes]);
    // a skip is not retried (the project has retries: 2)
    const [sensorAttempt] = run!.attempts.filter((a) => a.task_name === 'wait_file');
    expect(byTask('wait_file')).toEqual([[1, 'skipped', sensorAttempt!.pokes]]);
    const [, pokes] = skipText.exec(sensorAttempt!.error_message ?? '') ?? [];
    expect(Number(pokes)).toBe(sensorAttempt!.pokes);
    expect(sensorAttempt!.pokes).toBeGreaterThanOrEqual(2);
    // all_success after the skip is skipped; none_failed and all_done run
    expect(run!.attempts.find((a) => a.task_name === 'load')).toMatchObject({
      status: 'skipped',
      error_message: 'upstream task(s) were skipped: wait_file',
      pokes: null,
    });
    expect(byTask('report')).toEqual([[1, 'success', null]]);
    expect(byTask('cleanup')).toEqual([[1, 'success', null]]);
    // a poke that throws fails its attempt and is retried like any failure; each attempt has its pokes
    expect(byTask('flaky')).toEqual([
      [1, 'up_for_retry', 1],
      [2, 'success', 1],
    ]);
    expect(run!.attempts.find((a) => a.task_name === 'flaky')!.error_message).toBe(
      'the source is not reachable yet',
    );
  });

  it('the partial run is not the base of the next incremental window', async () => {
    const plan = await runCli(['run', 'sensor_soft', '--dry-run', '--end-date', '2026-01-05'], { env });
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout).toMatch(/window +2026-01-01T00:00:00\.000Z → 2026-01-05T00:00:00\.000Z/);
    expect(plan.stdout).toMatch(/1\. wait_file +\[sensor\]/);
  });

  it('the same through the public API: the outcome says skipped, not complete', async () => {
    const report = await runFixture(db, 'sensor_soft', {
      loadType: 'F',
      endDate: new Date('2026-01-03T00:00:00Z'),
      env,
    });
    expect([report.status, report.kind, report.exitCode]).toEqual(['success', 'partial', 0]);
    const outcome = report.result!.tasks.find((t) => t.name === 'wait_file')!;
    expect(outcome).toMatchObject({ status: 'skipped', attempts: 1, skip: { complete: false } });
    expect(outcome.error).toMatch(skipText);
    expect(outcome.pokes).toBeGreaterThanOrEqual(2);
    expect(report.result!.tasks.find((t) => t.name === 'flaky')!.pokes).toBe(2);
    const { attempts } = await auditOf(db, report.runId!);
    expect(attempts.find((a) => a.task_name === 'wait_file')!.pokes).toBe(outcome.pokes);
  });
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  delete process.env.DWH_TEST_SENSOR_DIR;
});
