import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunReport } from '../../src/run/run-project.js';
import type { RunRow } from '../../src/audit/run-store.js';
import type { AttemptRow } from '../../src/audit/task-run-store.js';
import { auditOf, runFixture } from '../helpers/run-fixture.js';
import { createTestDatabase, targetKinds, type TestDatabase } from '../helpers/test-databases.js';

describe.each(targetKinds)('runner: retries, failures and upstream_failed (%s)', (kind) => {
  let db: TestDatabase;
  let report: RunReport;
  let run: RunRow;
  let attempts: AttemptRow[];
  const of = (task: string) => attempts.filter((a) => a.task_name === task);

  beforeAll(async () => {
    db = await createTestDatabase(kind, 'runner-retries');
    report = await runFixture(db, 'retries', { endDate: new Date('2026-02-01T00:00:00Z') });
    ({ run, attempts } = await auditOf(db, report.runId!));
  });
  afterAll(async () => {
    await db.drop();
  });

  it('retries a failing task and records one row per attempt, numbered from 1', () => {
    expect(of('flaky').map((a) => [a.attempt, a.status])).toEqual([
      [1, 'up_for_retry'],
      [2, 'up_for_retry'],
      [3, 'success'],
    ]);
    expect(of('flaky')[0]!.error_message).toBe('flaky failure 1');
  });

  it('waits retryDelayMs × backoffRate^(n-1) between attempts, capped by maxRetryDelayMs', () => {
    const [first, second, third] = of('flaky');
    const gap1 = second!.started_at.getTime() - first!.ended_at!.getTime();
    const gap2 = third!.started_at.getTime() - second!.ended_at!.getTime();
    expect(gap1).toBeGreaterThanOrEqual(95); // 100 ms
    expect(gap2).toBeGreaterThanOrEqual(245); // 300 ms capped to 250 ms
    expect(gap2).toBeLessThan(2000);
  });

  it('stops after retries + 1 attempts and fails the task', () => {
    expect(of('always_fails').map((a) => [a.attempt, a.status, a.error_message])).toEqual([
      [1, 'up_for_retry', 'source is down'],
      [2, 'failed', 'source is down'],
    ]);
  });

  it('marks dependents of a failed task upstream_failed, transitively, without running them', () => {
    expect(of('after_failure').map((a) => a.status)).toEqual(['upstream_failed']);
    expect(of('after_after_failure').map((a) => a.status)).toEqual(['upstream_failed']);
    expect(of('after_after_failure')[0]!.error_message).toMatch(/after_failure/);
  });

  it('still runs independent branches', () => {
    expect(of('independent').map((a) => a.status)).toEqual(['success']);
  });

  it('turns a thrown non-Error into a readable message', () => {
    expect(of('throws_string')[0]!.error_message).toBe('plain string thrown');
    expect(of('throws_object')[0]!.error_message).toBe(
      'non-Error thrown: {"code":42,"reason":"object thrown"}',
    );
  });

  it('fails the run, names the first failure and counts only records of successful attempts', () => {
    expect(report.status).toBe('failed');
    expect(report.exitCode).toBe(1);
    expect(run.status).toBe('failed');
    expect(run.error_message).toBe("task 'always_fails': source is down");
    // flaky 7 + independent 5; the 1000s reported by failed attempts do not count
    expect(run.number_of_records).toBe(12);
    expect(run.end_script_execution_time).not.toBeNull();
  });
});
