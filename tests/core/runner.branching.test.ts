import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunRow } from '../../src/audit/run-store.js';
import type { AttemptRow } from '../../src/audit/task-run-store.js';
import { fixtureHome, runCli } from '../helpers/cli.js';
import { auditOf, runFixture } from '../helpers/run-fixture.js';
import { createTestDatabase, targetKinds, type TestDatabase } from '../helpers/test-databases.js';

type RunJson = RunRow & { attempts: AttemptRow[] };
const d = (iso: string) => new Date(iso);

describe.each(targetKinds)('runner: branching and short-circuit (%s)', (kind) => {
  let db: TestDatabase;
  let env: Record<string, string>;
  beforeEach(async () => {
    db = await createTestDatabase(kind, 'runner-branching');
    env = { ...db.env, DWH_HOME: fixtureHome };
  });
  afterEach(async () => {
    await db.drop();
  });

  /** Runs the project through the CLI with extra environment variables; its last run as recorded. */
  async function run(project: string, args: string[], extra: Record<string, string> = {}) {
    const result = await runCli(['run', project, ...args], { env: { ...env, ...extra } });
    const runs = JSON.parse((await runCli(['runs', project, '--json'], { env })).stdout) as RunJson[];
    const last = runs[0]!;
    const statuses = Object.fromEntries(last.attempts.map((a) => [a.task_name, a.status]));
    const reasons = Object.fromEntries(last.attempts.map((a) => [a.task_name, a.error_message]));
    return { result, run: last, statuses, reasons };
  }
  const full = ['-l', 'F', '--end-date', '2026-02-01'];

  it('a branch follows the task it returns; the other direct downstream task is skipped', async () => {
    const {
      result,
      run: r,
      statuses,
      reasons,
    } = await run('branching', full, { DWH_TEST_BRANCH: 'load_full' });
    expect(result.code, result.stderr).toBe(0);
    expect(statuses).toEqual({
      extract: 'success',
      choose: 'success',
      load_full: 'success',
      full_after: 'success',
      load_incremental: 'skipped',
      join: 'success',
      report: 'success',
      cleanup: 'success',
    });
    expect(reasons.load_incremental).toBe("branch 'choose' followed load_full");
    // not declared nothingToDo: a skipped path may have had work, so the run is not the base of the next window
    expect([r.status, r.run_kind]).toEqual(['success', 'partial']);
    expect(result.stdout).toMatch(/SUCCESS \(partial\)/);
  });

  it('a skip propagates through the trigger rules of the tasks after it', async () => {
    const other = await run('branching', full, { DWH_TEST_BRANCH: 'load_incremental' });
    expect(other.statuses).toMatchObject({
      load_full: 'skipped',
      full_after: 'skipped',
      load_incremental: 'success',
      join: 'success',
    });
    expect(other.reasons.full_after).toBe('upstream task(s) were skipped: load_full');

    const none = await run('branching', full, { DWH_TEST_BRANCH: 'none' });
    expect(none.result.code).toBe(0);
    expect(none.statuses).toMatchObject({
      choose: 'success',
      load_full: 'skipped',
      full_after: 'skipped',
      load_incremental: 'skipped',
      // none_failed_min_one_success with every upstream skipped, then all_success after it
      join: 'skipped',
      report: 'skipped',
      // all_done runs after skipped tasks
      cleanup: 'success',
    });
    expect(none.reasons.load_full).toBe("branch 'choose' followed no task");
  });

  it('a branch returning a task that is not its direct downstream fails, naming it; not retried', async () => {
    const { result, run: r, statuses } = await run('branching', full, { DWH_TEST_BRANCH: 'extract' });
    expect(result.code).toBe(1);
    const message =
      "branch 'choose' returned 'extract', which is not a direct downstream task of this branch " +
      '(direct downstream: load_full, load_incremental)';
    expect(r.error_message).toBe(`task 'choose': ${message}`);
    expect(r.attempts.filter((a) => a.task_name === 'choose')).toHaveLength(1);
    expect(statuses).toMatchObject({
      choose: 'failed',
      load_full: 'upstream_failed',
      load_incremental: 'upstream_failed',
      join: 'upstream_failed',
      cleanup: 'success',
    });

    const unknown = await run('branching', full, { DWH_TEST_BRANCH: 'nope' });
    expect(unknown.run.error_message).toContain(
      "returned 'nope', which is not a task or group of the factory",
    );
  });

  it('short-circuit: { skipDownstream } skips every task downstream, whatever its trigger rule', async () => {
    const {
      result,
      run: r,
      statuses,
      reasons,
    } = await run('short_circuit', full, { DWH_TEST_SOURCE: 'skip' });
    expect(result.code, result.stderr).toBe(0);
    expect(statuses).toEqual({
      check_source: 'success',
      load: 'skipped',
      transform: 'skipped',
      cleanup: 'skipped',
      independent: 'success',
    });
    expect(reasons.cleanup).toBe("task 'check_source' skipped its downstream tasks (skipDownstream)");
    expect([r.status, r.run_kind]).toEqual(['success', 'partial']);
  });

  it('watermark: a skip declared nothingToDo keeps the run complete; an undeclared one does not', async () => {
    const base = await runFixture(db, 'short_circuit', { endDate: d('2026-03-01'), loadType: 'F' });
    expect((await auditOf(db, base.runId!)).run.data_max_date?.toISOString()).toBe(
      '2026-02-28T00:00:00.000Z',
    );

    // skipped without saying why: partial, the next window still starts from the full run before it
    const skipped = await run('short_circuit', ['--end-date', '2026-03-05'], { DWH_TEST_SOURCE: 'skip' });
    expect(skipped.run.run_kind).toBe('partial');
    expect(new Date(skipped.run.start_load_date).toISOString()).toBe('2026-02-28T00:00:00.000Z');
    const afterSkip = await runFixture(db, 'short_circuit', { dryRun: true, endDate: d('2026-03-10') });
    expect(afterSkip.window.start.toISOString()).toBe('2026-02-28T00:00:00.000Z');

    // nothing to load: complete, the next window starts at its end (no data dates: the window end)
    const empty = await run('short_circuit', ['--end-date', '2026-03-06'], { DWH_TEST_SOURCE: 'empty' });
    expect(empty.reasons.load).toBe(
      "task 'check_source' skipped its downstream tasks (skipDownstream: nothing to do)",
    );
    expect([empty.run.status, empty.run.run_kind]).toEqual(['success', 'full']);
    const afterEmpty = await runFixture(db, 'short_circuit', { dryRun: true, endDate: d('2026-03-10') });
    expect(afterEmpty.window.start.toISOString()).toBe('2026-03-06T00:00:00.000Z');
  });

  it('watermark: a branch declared nothingToDo keeps the run complete', async () => {
    const { result, run: r, statuses, reasons } = await run('branch_nothing', full);
    expect(result.code, result.stderr).toBe(0);
    expect(statuses).toMatchObject({ weekly: 'skipped', daily_report: 'success' });
    expect(reasons.weekly).toBe("branch 'weekly_or_not' followed daily_report");
    expect([r.status, r.run_kind]).toEqual(['success', 'full']);
    const next = await runFixture(db, 'branch_nothing', { dryRun: true, endDate: d('2026-02-10') });
    expect(next.window.start.toISOString()).toBe('2026-01-31T00:00:00.000Z');
  });
});
