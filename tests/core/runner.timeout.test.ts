import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunReport } from '../../src/run/run-project.js';
import type { AttemptRow } from '../../src/audit/task-run-store.js';
import { auditOf, runFixture } from '../helpers/run-fixture.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-databases.js';

describe('runner: timeouts', () => {
  let db: TestDatabase;
  let report: RunReport;
  let attempts: AttemptRow[];
  let started: number;

  beforeAll(async () => {
    db = await createTestDatabase('embedded', 'runner-timeout');
    started = Date.now();
    report = await runFixture(db, 'timeout', { endDate: new Date('2026-02-01T00:00:00Z') });
    ({ attempts } = await auditOf(db, report.runId!));
  });
  afterAll(async () => {
    await db.drop();
  });

  it('fails an attempt that runs past timeoutMs and retries it', () => {
    expect(
      attempts.filter((a) => a.task_name === 'hangs').map((a) => [a.attempt, a.status, a.error_message]),
    ).toEqual([
      [1, 'up_for_retry', "task 'hangs' timed out after 300 ms"],
      [2, 'failed', "task 'hangs' timed out after 300 ms"],
    ]);
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  it('aborts ctx.signal so the task can stop its work', () => {
    const log = readFileSync(report.logFile!, 'utf8');
    expect(log).toMatch(/aborted: TaskTimeoutError: task 'hangs' timed out after 300 ms/);
  });

  it('keeps running tasks that do not depend on the timed-out one', () => {
    expect(attempts.find((a) => a.task_name === 'quick')?.status).toBe('success');
    expect(report.status).toBe('failed');
  });
});
