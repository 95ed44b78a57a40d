import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunRow } from '../../src/audit/run-store.js';
import type { AttemptRow } from '../../src/audit/task-run-store.js';
import { fixtureHome, runCli } from '../helpers/cli.js';
import { createTestDatabase, targetKinds, type TestDatabase } from '../helpers/test-databases.js';

type RunJson = RunRow & { attempts: AttemptRow[] };

/**
 * Each rule after: a passing upstream (ok), a failing one (bad), both, a skipped one, a passing and a
 * skipped one, and a disabled one (which counts as a success) — as Airflow decides them.
 */
const expected: Record<string, Record<string, string>> = {
  all_success: {
    ok: 'success',
    bad: 'upstream_failed',
    ok_bad: 'upstream_failed',
    skipped: 'skipped',
    ok_skipped: 'skipped',
    disabled: 'success',
  },
  all_done: {
    ok: 'success',
    bad: 'success',
    ok_bad: 'success',
    skipped: 'success',
    ok_skipped: 'success',
    disabled: 'success',
  },
  all_failed: {
    ok: 'skipped',
    bad: 'success',
    ok_bad: 'skipped',
    skipped: 'skipped',
    ok_skipped: 'skipped',
    disabled: 'skipped',
  },
  one_failed: {
    ok: 'skipped',
    bad: 'success',
    ok_bad: 'success',
    skipped: 'skipped',
    ok_skipped: 'skipped',
    disabled: 'skipped',
  },
  one_success: {
    ok: 'success',
    bad: 'upstream_failed',
    ok_bad: 'success',
    skipped: 'skipped',
    ok_skipped: 'success',
    disabled: 'success',
  },
  none_failed: {
    ok: 'success',
    bad: 'upstream_failed',
    ok_bad: 'upstream_failed',
    skipped: 'success',
    ok_skipped: 'success',
    disabled: 'success',
  },
  none_failed_min_one_success: {
    ok: 'success',
    bad: 'upstream_failed',
    ok_bad: 'upstream_failed',
    skipped: 'skipped',
    ok_skipped: 'success',
    disabled: 'success',
  },
  always: {
    ok: 'success',
    bad: 'success',
    ok_bad: 'success',
    skipped: 'success',
    ok_skipped: 'success',
    disabled: 'success',
  },
};

describe.each(targetKinds)('runner: trigger rules, through the CLI (%s)', (kind) => {
  let db: TestDatabase;
  let run: RunJson;
  let result: { code: number | null; stdout: string; stderr: string };
  const status = (task: string) => run.attempts.find((a) => a.task_name === task)?.status;
  const reason = (task: string) => run.attempts.find((a) => a.task_name === task)?.error_message;

  beforeAll(async () => {
    db = await createTestDatabase(kind, 'runner-trigger-rules');
    const env = { ...db.env, DWH_HOME: fixtureHome };
    result = await runCli(['run', 'trig_rules', '-l', 'F', '--end-date', '2026-02-01'], { env });
    run = (JSON.parse((await runCli(['runs', 'trig_rules', '--json'], { env })).stdout) as RunJson[])[0]!;
  });
  afterAll(async () => {
    await db.drop();
  });

  it('records the upstream tasks as they ended', () => {
    expect([status('ok'), status('bad'), status('skipped'), status('off')]).toEqual([
      'success',
      'failed',
      'skipped',
      'disabled',
    ]);
    expect(reason('skipped')).toBe("branch 'pick' followed no task");
  });

  it.each(Object.keys(expected))(
    '%s: with a passing, a failing, a skipped and a disabled upstream',
    (rule) => {
      const got = Object.fromEntries(Object.keys(expected[rule]!).map((c) => [c, status(`${rule}__${c}`)]));
      expect(got).toEqual(expected[rule]);
    },
  );

  it('gives every task one row, the reason of a task that did not run in error_message', () => {
    expect(run.attempts).toHaveLength(5 + 8 * 6);
    expect(reason('all_success__ok_bad')).toBe('upstream task(s) did not succeed: bad');
    expect(reason('all_success__skipped')).toBe('upstream task(s) were skipped: skipped');
    expect(reason('one_failed__ok')).toBe('trigger rule one_failed: no upstream task failed');
    expect(reason('all_failed__ok_bad')).toBe('trigger rule all_failed: upstream task(s) did not fail: ok');
    expect(reason('one_success__bad')).toBe('trigger rule one_success: no upstream task succeeded (bad)');
    expect(reason('none_failed__ok_bad')).toBe('upstream task(s) failed: bad');
  });

  it('fails the run for the failed task; the summary shows skipped tasks', () => {
    expect(result.code).toBe(1);
    expect(run.status).toBe('failed');
    expect(run.error_message).toBe("task 'bad': bad on purpose");
    expect(result.stdout).toMatch(/one_failed__ok\s+skipped\s+0\s+0\s+[\d.]+ s {2}trigger rule one_failed/);
  });
});
