import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunRow } from '../../src/audit/run-store.js';
import type { AttemptRow } from '../../src/audit/task-run-store.js';
import { fixtureHome, runCli } from '../helpers/cli.js';
import { auditOf, runFixture } from '../helpers/run-fixture.js';
import { createTestDatabase, targetKinds, type TestDatabase } from '../helpers/test-databases.js';

type RunJson = RunRow & { attempts: AttemptRow[] };

/** The most attempts that were running at the same instant, from their recorded start and end times. */
function maxOverlap(attempts: AttemptRow[]): number {
  const edges = attempts.flatMap((a) => [
    { at: a.started_at.getTime(), step: 1 },
    { at: a.ended_at!.getTime(), step: -1 },
  ]);
  // an end and a start at the same instant do not overlap
  edges.sort((x, y) => x.at - y.at || x.step - y.step);
  let running = 0;
  let most = 0;
  for (const edge of edges) most = Math.max(most, (running += edge.step));
  return most;
}

const byTask = (attempts: AttemptRow[]) => Object.fromEntries(attempts.map((a) => [a.task_name, a]));
const endDate = '2026-02-01';

describe.each(targetKinds)('runner: parallel tasks (%s)', (kind) => {
  let db: TestDatabase;
  let env: Record<string, string>;
  beforeAll(async () => {
    db = await createTestDatabase(kind, 'runner-parallel');
    env = { ...db.env, DWH_HOME: fixtureHome };
  });
  afterAll(async () => {
    await db.drop();
  });

  async function lastRun(project: string): Promise<RunJson> {
    const result = await runCli(['runs', project, '--json', '-n', '1'], { env });
    const run = (JSON.parse(result.stdout) as RunJson[])[0]!;
    // JSON has the times as text
    for (const a of run.attempts) {
      a.started_at = new Date(a.started_at);
      a.ended_at = a.ended_at === null ? null : new Date(a.ended_at);
    }
    return run;
  }

  it('runs ready tasks at once, up to maxParallelTasks (4): their recorded times overlap', async () => {
    const result = await runCli(['run', 'par_chains', '--end-date', endDate, '-l', 'F'], { env });
    expect(result.code, result.stderr).toBe(0);
    const run = await lastRun('par_chains');
    const tasks = byTask(run.attempts);
    const sleepers = ['a', 'b', 'c', 'd'].map((t) => tasks[t]!);
    // every sleeper started before any of them ended
    const firstEnd = Math.min(...sleepers.map((a) => a.ended_at!.getTime()));
    for (const a of sleepers) expect(a.started_at.getTime()).toBeLessThan(firstEnd);
    expect(maxOverlap(run.attempts)).toBe(4);
    // the join waits for all four
    const lastEnd = Math.max(...sleepers.map((a) => a.ended_at!.getTime()));
    expect(tasks.join!.started_at.getTime()).toBeGreaterThanOrEqual(lastEnd);
    expect(run.number_of_records).toBe(5);
  });

  it('--parallel 1 runs one task at a time, in the planned order', async () => {
    const result = await runCli(['run', 'par_chains', '--end-date', endDate, '-l', 'F', '--parallel', '1'], {
      env,
    });
    expect(result.code, result.stderr).toBe(0);
    const run = await lastRun('par_chains');
    expect(maxOverlap(run.attempts)).toBe(1);
    expect(run.attempts.map((a) => a.task_name)).toEqual(['a', 'b', 'c', 'quick_failure', 'd', 'join']);
  });

  it('--parallel 2 runs at most two at once; ready tasks start in factory order', async () => {
    const report = await runFixture(db, 'par_chains', {
      endDate: new Date(endDate),
      loadType: 'F',
      parallel: 2,
    });
    expect(report.status).toBe('success');
    const { attempts } = await auditOf(db, report.runId!);
    expect(maxOverlap(attempts)).toBe(2);
    const tasks = byTask(attempts);
    // a and b take the two slots; c starts when one of them ends
    const firstEnd = Math.min(tasks.a!.ended_at!.getTime(), tasks.b!.ended_at!.getTime());
    expect(tasks.c!.started_at.getTime()).toBeGreaterThanOrEqual(firstEnd);
    expect(tasks.d!.started_at.getTime()).toBeGreaterThanOrEqual(firstEnd);
  });

  it('a failure does not stop the tasks running beside it (no failFast)', async () => {
    const result = await runCli(['run', 'par_chains', '--end-date', endDate, '-l', 'F'], {
      env: { ...env, DWH_TEST_FAIL: '1' },
    });
    expect(result.code).toBe(1);
    const run = await lastRun('par_chains');
    expect(run.error_message).toBe("task 'quick_failure': failed beside its siblings");
    const tasks = byTask(run.attempts);
    expect(Object.fromEntries(run.attempts.map((a) => [a.task_name, a.status]))).toEqual({
      a: 'success',
      b: 'success',
      c: 'success',
      quick_failure: 'failed',
      d: 'success',
      join: 'success',
    });
    // a, b and c were running when it failed, and went on
    for (const sibling of ['a', 'b', 'c'])
      expect(tasks[sibling]!.ended_at!.getTime()).toBeGreaterThan(tasks.quick_failure!.ended_at!.getTime());
  });

  it('failFast: aborts the running siblings (failed, not retried) and starts no other task', async () => {
    const started = Date.now();
    const result = await runCli(['run', 'par_failfast', '--end-date', endDate, '-l', 'F'], { env });
    expect(result.code).toBe(1);
    // `long` would wait 20 s
    expect(Date.now() - started).toBeLessThan(15_000);
    const run = await lastRun('par_failfast');
    expect(run.status).toBe('failed');
    expect(run.error_message).toBe("task 'bad': bad failed");
    expect(run.attempts.map((a) => [a.task_name, a.attempt, a.status, a.error_message])).toEqual([
      ['long', 1, 'failed', "task 'bad' failed and the project has failFast: aborted"],
      ['bad', 1, 'failed', 'bad failed'],
    ]);
    // the tasks that never started have no row; the summary lists them as not_run
    expect(result.stdout).toMatch(/later\s+not_run/);
    expect(result.stdout).toMatch(/after_long\s+not_run/);
  });

  it('rejects a bad --parallel with exit 2, naming the option and the value', async () => {
    for (const value of ['0', 'lots', '65', '1.5']) {
      const result = await runCli(['run', 'par_chains', '--parallel', value], { env });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(`--parallel: '${value}' is not a whole number from 1 to 64`);
    }
  });
});
