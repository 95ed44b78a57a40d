import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunRow } from '../../src/audit/run-store.js';
import type { AttemptRow } from '../../src/audit/task-run-store.js';
import { fixtureHome, runCli } from '../helpers/cli.js';
import { failure } from '../helpers/failure.js';
import { auditOf, runFixture } from '../helpers/run-fixture.js';
import { createTestDatabase, targetKinds, type TestDatabase } from '../helpers/test-databases.js';
import { get, hasElement, startTestDashboard } from '../monitor/dashboard-fixture.js';

type RunJson = RunRow & { attempts: AttemptRow[] };

describe.each(targetKinds)('run: --resume a failed run (%s)', (kind) => {
  let db: TestDatabase;
  let dir: string;
  let log: string;
  let failFile: string;
  let env: Record<string, string>;
  beforeEach(async () => {
    db = await createTestDatabase(kind, 'resume');
    dir = mkdtempSync(path.join(os.tmpdir(), 'dwh-resume-'));
    log = path.join(dir, 'ran.log');
    failFile = path.join(dir, 'fail');
    env = { ...db.env, DWH_HOME: fixtureHome, DWH_TEST_RESUME_LOG: log, DWH_TEST_FAIL_FILE: failFile };
  });
  afterEach(async () => {
    await db.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** The lines the tasks wrote since the last call. */
  const ran = () => {
    if (!existsSync(log)) return [];
    const text = readFileSync(log, 'utf8');
    rmSync(log);
    return text.trim().split('\n');
  };
  const dwh = (args: string[], extra: Record<string, string> = {}) =>
    runCli(args, { env: { ...env, ...extra } });
  const runs = async (project: string) =>
    JSON.parse((await dwh(['runs', project, '--json'])).stdout) as RunJson[];
  const statuses = (run: RunJson) =>
    Object.fromEntries(run.attempts.map((a) => [a.task_name, [a.status, a.reused_from]]));
  const window = ['-l', 'F', '--end-date', '2026-01-05'];

  /** A run of resume_flaky whose transform fails; its run id. */
  async function failedRun(args: string[] = []): Promise<number> {
    writeFileSync(failFile, '');
    const result = await dwh(['run', 'resume_flaky', ...window, ...args]);
    expect(result.code, result.stderr).toBe(1);
    rmSync(failFile);
    return (await runs('resume_flaky'))[0]!.run_id;
  }

  it('re-runs the failed, upstream_failed and downstream tasks for the same window, reusing the succeeded ones', async () => {
    const original = await failedRun();
    expect(ran()).toEqual([
      'extract',
      'side',
      'transform maxId=42 country=NL strict=false token=none',
      'cleanup',
    ]);

    const result = await dwh(['run', 'resume_flaky', '--resume']);
    expect(result.code, result.stderr).toBe(0);
    // extract is not run again, yet transform reads its value; cleanup (all_done) runs again after load
    expect(ran()).toEqual(['transform maxId=42 country=NL strict=false token=none', 'load', 'cleanup']);
    const line = `resuming run ${original}: reusing extract, side; re-running transform, load, cleanup`;
    expect(result.stdout.split('\n').filter((l) => l.includes(line))).toHaveLength(2); // the log and the summary
    expect(result.stdout).toMatch(/extract +success +0 +5 +0\.00 s {2}reused from run \d+/);

    const [resumed, first] = await runs('resume_flaky');
    expect(first!.run_id).toBe(original);
    expect(resumed).toMatchObject({
      resumed_from: original,
      status: 'success',
      run_kind: 'full',
      load_type: 'F',
      // the records of this run's own attempts: the reused ones count in the run they ran in
      number_of_records: 3,
    });
    expect(resumed!.start_load_date).toBe(first!.start_load_date);
    expect(resumed!.end_load_date).toBe(first!.end_load_date);
    // the reused extract's data dates and the load's, together
    expect([resumed!.data_min_date, resumed!.data_max_date]).toEqual([
      '2026-01-01T00:00:00.000Z',
      '2026-01-03T00:00:00.000Z',
    ]);
    expect(statuses(resumed!)).toEqual({
      extract: ['success', original],
      side: ['success', original],
      transform: ['success', null],
      load: ['success', null],
      cleanup: ['success', null],
    });
    const extract = resumed!.attempts.find((a) => a.task_name === 'extract')!;
    expect([extract.records, extract.value]).toEqual([0, { maxId: 42 }]);

    const text = await dwh(['runs', 'resume_flaky', '-a']);
    expect(text.stdout).toContain(`resumed from run ${original} (same window; its succeeded tasks reused)`);
    expect(text.stdout).toContain(`extract #1 success 0.00 s, 0 records — reused from run ${original}`);

    const dashboard = await startTestDashboard(db);
    try {
      const page = await get(dashboard, `/runs/${resumed!.run_id}`);
      expect(page.status).toBe(200);
      expect(hasElement(page.body, 'dd', { 'data-resumed-from': original })).toBe(true);
      expect(hasElement(page.body, 'span', { 'data-reused-from': original })).toBe(true);
    } finally {
      await dashboard.close();
    }
  });

  it('the next incremental run starts from the resumed window; resuming an old window never moves it back', async () => {
    const original = await failedRun();
    expect((await dwh(['run', 'resume_flaky', '--resume'])).code).toBe(0);
    const next = await dwh(['run', 'resume_flaky', '-l', 'I', '--end-date', '2026-01-10']);
    expect(next.code, next.stderr).toBe(0);
    // min(data_max_date 2026-01-03, end_load_date 2026-01-05) of the resumed pair
    expect(next.stdout).toContain('window 2026-01-03T00:00:00.000Z → 2026-01-10T00:00:00.000Z');

    // an older window fails and is resumed after the watermark has moved past it
    writeFileSync(failFile, '');
    expect((await dwh(['run', 'resume_flaky', '-s', '2026-01-01', '-e', '2026-01-02'])).code).toBe(1);
    rmSync(failFile);
    expect((await dwh(['run', 'resume_flaky', '--resume'])).code).toBe(0);
    const plan = await dwh(['run', 'resume_flaky', '-l', 'I', '--end-date', '2026-01-20', '--dry-run']);
    expect(plan.stdout).toMatch(/window +2026-01-03T00:00:00\.000Z → 2026-01-20/);
    expect((await runs('resume_flaky')).map((r) => r.resumed_from)).toEqual([
      expect.any(Number),
      null,
      null,
      original,
      null,
    ]);
  });

  it('settles the backfill window of the run it resumed: --from-failed then continues after it', async () => {
    const range = ['-s', '2026-01-01', '-e', '2026-01-03', '--load-days', '1'];
    writeFileSync(failFile, '');
    const backfill = await dwh(['backfill', 'resume_flaky', ...range]);
    expect(backfill.code).toBe(1);
    rmSync(failFile);
    ran();
    const resumed = await dwh(['run', 'resume_flaky', '--resume']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stdout).toMatch(/backfill \d+: window 1 is successful with this run/);
    const [resumedRun] = await runs('resume_flaky');
    const windows = () =>
      dwh([
        'sql',
        'select window_index, status, run_id from dwh.backfill_windows order by window_index',
        '--json',
      ]);
    expect(JSON.parse((await windows()).stdout)).toEqual([
      { window_index: 1, status: 'success', run_id: resumedRun!.run_id },
      { window_index: 2, status: 'pending', run_id: null },
    ]);
    ran();
    const rest = await dwh(['backfill', 'resume_flaky', ...range, '--from-failed']);
    expect(rest.code, rest.stdout + rest.stderr).toBe(0);
    // only the second window ran
    expect(ran().filter((line) => line === 'extract')).toHaveLength(1);
    expect(JSON.parse((await windows()).stdout)).toMatchObject([
      { status: 'success' },
      { status: 'success' },
    ]);
  });

  it('follows a chain: a run resumed already is resumed through its newest run, reusing from the first', async () => {
    const original = await failedRun();
    writeFileSync(failFile, '');
    const again = await dwh(['run', 'resume_flaky', '--resume']);
    expect(again.code).toBe(1);
    rmSync(failFile);
    const second = (await runs('resume_flaky'))[0]!;
    expect(second.resumed_from).toBe(original);
    ran();

    const third = await dwh(['run', 'resume_flaky', '--resume', String(original)]);
    expect(third.code, third.stderr).toBe(0);
    expect(third.stdout).toContain(
      `run ${original} was resumed by run ${second.run_id}: resuming run ${second.run_id}`,
    );
    expect(ran()).toEqual(['transform maxId=42 country=NL strict=false token=none', 'load', 'cleanup']);
    const last = (await runs('resume_flaky'))[0]!;
    expect(last.resumed_from).toBe(second.run_id);
    // the attempt reused is the one that ran, in the first run
    expect(statuses(last).extract).toEqual(['success', original]);

    const done = await dwh(['run', 'resume_flaky', '--resume', String(original)]);
    expect(done.code).toBe(2);
    expect(done.stderr).toContain(
      `nothing to resume: run ${original} was resumed by run ${last.run_id}, which succeeded`,
    );
  });

  it('keeps the run parameters of the run it resumes (parsed once), a masked one back to its default; --param overrides', async () => {
    await failedRun(['--param', 'country=be', '--param', 'strict=true', '--param', 'apiToken=s3cret-value']);
    ran();
    const resumed = await dwh(['run', 'resume_flaky', '--resume']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(ran()[0]).toBe('transform maxId=42 country=be strict=true token=none');
    expect(resumed.stdout).toMatch(
      /params\.apiToken is masked in the record of run \d+: its default is used/,
    );

    await failedRun(['--param', 'country=be']);
    ran();
    const overridden = await dwh(['run', 'resume_flaky', '--resume', '--param', 'strict=yes']);
    expect(overridden.code, overridden.stderr).toBe(0);
    expect(ran()[0]).toBe('transform maxId=42 country=be strict=true token=none');

    await failedRun();
    const bad = await dwh(['run', 'resume_flaky', '--resume', '--param', 'strict=maybe']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('projects/resume/resume_flaky/parameters.ts: params.strict:');
  });

  it('keeps the skips of a reused branch and short-circuit, without running them again', async () => {
    writeFileSync(failFile, '');
    const first = await dwh(['run', 'resume_branch', ...window], { DWH_TEST_BRANCH: 'load_a' });
    expect(first.code).toBe(1);
    rmSync(failFile);
    ran();
    // were the branch decided again, it would follow load_b now
    const result = await dwh(['run', 'resume_branch', '--resume'], { DWH_TEST_BRANCH: 'load_b' });
    expect(result.code, result.stderr).toBe(0);
    expect(ran()).toEqual(['publish']);
    const [resumed, original] = await runs('resume_branch');
    expect(statuses(resumed!)).toEqual({
      extract: ['success', original!.run_id],
      choose: ['success', original!.run_id],
      load_a: ['success', original!.run_id],
      join: ['success', original!.run_id],
      probe: ['success', original!.run_id],
      load_b: ['skipped', null],
      probe_after: ['skipped', null],
      publish: ['success', null],
    });
    const reasons = Object.fromEntries(resumed!.attempts.map((a) => [a.task_name, a.error_message]));
    expect(reasons.load_b).toBe("branch 'choose' followed load_a");
    expect(reasons.probe_after).toBe(
      "task 'probe' skipped its downstream tasks (skipDownstream: nothing to do)",
    );
    // the branch did not declare nothingToDo: partial, as the original would have been
    expect([resumed!.status, resumed!.run_kind]).toEqual(['success', 'partial']);
  });

  it('refuses what it cannot resume with exit 2, naming why', async () => {
    const none = await dwh(['run', 'resume_flaky', '--resume']);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain("nothing to resume: project 'resume_flaky' has no run");

    const original = await failedRun();
    for (const [args, conflict] of [
      [['--tasks', 'load'], '--tasks'],
      [['-l', 'F', '--end-date', '2026-01-05'], '--load-type, --end-date'],
      [['--start-date', '2026-01-01', '--dry-run'], '--start-date, --dry-run'],
    ] as const) {
      const result = await dwh(['run', 'resume_flaky', '--resume', ...args]);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(
        `--resume takes the window and tasks of the run it resumes: it cannot be combined with ${conflict}`,
      );
    }
    const notAnId = await dwh(['run', 'resume_flaky', '--resume', 'latest']);
    expect([notAnId.code, notAnId.stderr]).toEqual([
      2,
      expect.stringContaining("--resume: 'latest' is not a run id"),
    ]);
    const unknown = await dwh(['run', 'resume_flaky', '--resume', '999999']);
    expect(unknown.stderr).toContain('--resume 999999: there is no run 999999');
    const other = await dwh(['run', 'resume_branch', '--resume', String(original)]);
    expect(other.code).toBe(2);
    expect(other.stderr).toContain(
      `--resume ${original}: run ${original} belongs to project 'resume_flaky', not 'resume_branch'`,
    );

    expect((await dwh(['run', 'resume_flaky', '--resume'])).code).toBe(0);
    const latest = (await runs('resume_flaky'))[0]!.run_id;
    const succeeded = await dwh(['run', 'resume_flaky', '--resume']);
    expect(succeeded.code).toBe(2);
    expect(succeeded.stderr).toContain(`nothing to resume: the latest run ${latest} succeeded`);
    const byId = await dwh(['run', 'resume_flaky', '--resume', String(latest)]);
    expect(byId.stderr).toContain(`nothing to resume: run ${latest} succeeded`);
    // nothing was recorded by the refusals
    expect(await runs('resume_flaky')).toHaveLength(2);
  });

  it('runProject({ resume }) resumes through the API: the latest run, or the one named', async () => {
    const saved = { log: process.env.DWH_TEST_RESUME_LOG, fail: process.env.DWH_TEST_FAIL_FILE };
    process.env.DWH_TEST_RESUME_LOG = log;
    process.env.DWH_TEST_FAIL_FILE = failFile;
    try {
      writeFileSync(failFile, '');
      const failed = await runFixture(db, 'resume_flaky', { loadType: 'F', endDate: new Date('2026-01-05') });
      expect(failed.status).toBe('failed');
      const stillFailing = await runFixture(db, 'resume_flaky', { resume: failed.runId! });
      expect([stillFailing.status, stillFailing.resumedFrom]).toEqual(['failed', failed.runId]);
      rmSync(failFile);

      const report = await runFixture(db, 'resume_flaky', { resume: true });
      expect(report).toMatchObject({ status: 'success', resumedFrom: stillFailing.runId, exitCode: 0 });
      expect(report.window).toEqual(failed.window);
      expect(report.result!.tasks.map((t) => [t.name, t.status, t.reusedFrom])).toEqual([
        ['extract', 'success', failed.runId],
        ['side', 'success', failed.runId],
        ['transform', 'success', undefined],
        ['load', 'success', undefined],
        ['cleanup', 'success', undefined],
      ]);
      const { run } = await auditOf(db, report.runId!);
      expect(run.resumed_from).toBe(stillFailing.runId);

      const refused = await failure(runFixture(db, 'resume_flaky', { resume: true, tasks: ['load'] }));
      expect(refused.message).toContain('it cannot be combined with --tasks');
      await expect(runFixture(db, 'resume_flaky', { resume: report.runId! })).rejects.toThrow(
        `nothing to resume: run ${report.runId} succeeded`,
      );
    } finally {
      for (const [key, value] of [
        ['DWH_TEST_RESUME_LOG', saved.log],
        ['DWH_TEST_FAIL_FILE', saved.fail],
      ] as const)
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
    }
  });
});
