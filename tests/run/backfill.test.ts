import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { runBackfill } from '../../src/run/backfill.js';
import { collect, fixtureHome, runCli, startCli } from '../helpers/cli.js';
import { createTestDatabase, targetKinds, type TestDatabase } from '../helpers/test-databases.js';

// Each test starts the CLI (and PGlite) several times; on a busy two-core machine that takes minutes.
vi.setConfig({ testTimeout: 300_000 });

interface WindowRow {
  window_index: number;
  status: string;
  run_id: number | null;
  tries: number;
}
interface TaggedRun {
  run_id: number;
  status: string;
  start: string;
  end: string;
  backfill_id: number | null;
}

async function waitFor(check: () => boolean, what: string, timeoutMs = 60_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const markerLines = (file: string) =>
  existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];

describe.each(targetKinds)('backfill (%s)', (kind) => {
  let db: TestDatabase;
  let scratch: string;
  let env: Record<string, string>;
  beforeEach(async () => {
    db = await createTestDatabase(kind, 'backfill');
    scratch = mkdtempSync(path.join(os.tmpdir(), 'dwh-backfill-'));
    env = { DWH_HOME: fixtureHome, ...db.env };
  });
  afterEach(async () => {
    await db.drop();
    rmSync(scratch, { recursive: true, force: true });
  });

  async function sql<Row>(text: string, values: unknown[] = []): Promise<Row[]> {
    const warehouse = await db.open();
    try {
      return await warehouse.query<Row>(text, values);
    } finally {
      await warehouse.close();
    }
  }
  const windows = (backfillId: number) =>
    sql<WindowRow>(
      'select window_index, status, run_id, tries from dwh.backfill_windows where backfill_id = $1 order by window_index',
      [backfillId],
    );
  const taggedRuns = () =>
    sql<TaggedRun>(
      `select run_id, status, backfill_id, to_char(start_load_date at time zone 'UTC', 'YYYY-MM-DD') as start,
         to_char(end_load_date at time zone 'UTC', 'YYYY-MM-DD') as end
       from dwh.etl_runs where project_name = 'backfill_days' order by run_id`,
    );

  it('runs the project once per window, in order, each run tagged with the backfill id', async () => {
    const lines: string[] = [];
    const report = await runBackfill(
      {
        project: 'backfill_days',
        startDate: new Date('2026-01-01T00:00:00Z'),
        endDate: new Date('2026-01-08T00:00:00Z'),
        loadDays: 2,
        env,
      },
      (line) => lines.push(line),
    );
    expect(report.status).toBe('success');
    expect(report.exitCode).toBe(0);
    expect(report.resumed).toBe(false);
    const runs = await taggedRuns();
    expect(runs.map((r) => [r.start, r.end, r.status, Number(r.backfill_id)])).toEqual([
      ['2026-01-01', '2026-01-03', 'success', report.backfillId],
      ['2026-01-03', '2026-01-05', 'success', report.backfillId],
      ['2026-01-05', '2026-01-07', 'success', report.backfillId],
      ['2026-01-07', '2026-01-08', 'success', report.backfillId],
    ]);
    expect(
      (await windows(report.backfillId)).map((w) => [w.window_index, w.status, Number(w.run_id)]),
    ).toEqual(runs.map((r, i) => [i + 1, 'success', Number(r.run_id)]));
    const [backfill] = await sql<{
      status: string;
      load_days: number;
      load_type: string;
      finished_at: Date | null;
    }>('select status, load_days, load_type, finished_at from dwh.backfills where backfill_id = $1', [
      report.backfillId,
    ]);
    expect(backfill).toMatchObject({ status: 'success', load_days: 2, load_type: 'I' });
    expect(backfill!.finished_at).toBeInstanceOf(Date);
    const [loaded] = await sql<{ n: number }>('select count(*)::int as n from backfill_days');
    expect(loaded!.n).toBe(7);
    expect(
      lines.some((l) =>
        /^\[1\/4\] 2026-01-01 → 2026-01-03 success in .*\(run \d+, 2 records\) — 3 to go, ETA/.test(l),
      ),
    ).toBe(true);
    expect(lines.at(-1)).toMatch(/SUCCESS — 4\/4 window\(s\) successful/);
  });

  it('stops at a failed window; the same command refuses until --from-failed continues from that window', async () => {
    const args = ['backfill', 'backfill_days', '-s', '2026-01-01', '-e', '2026-01-09', '--load-days', '2'];
    const failed = await runCli(args, { env: { ...env, DWH_TEST_FAIL_DAY: '2026-01-04' } });
    expect(failed.code).toBe(1);
    expect(failed.stdout).toMatch(
      /\[2\/4\] 2026-01-03 → 2026-01-05 failed in .*source has no data for 2026-01-04/,
    );
    expect(failed.stdout).toMatch(/FAILED — 1\/4 window\(s\) successful/);
    expect(failed.stdout).not.toMatch(/\[3\/4\]/);
    const [{ backfill_id: id }] = (await sql<{ backfill_id: number }>(
      'select backfill_id from dwh.backfills',
    )) as [{ backfill_id: number }];
    expect((await windows(id)).map((w) => w.status)).toEqual(['success', 'failed', 'pending', 'pending']);

    const refused = await runCli(args, { env });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/stopped on a failed window 2\/4.*Re-run with --from-failed/);

    const resumed = await runCli([...args, '--from-failed'], { env });
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toMatch(/continuing backfill/);
    expect(resumed.stdout).toMatch(/1\/4 window\(s\) already successful: continuing with window 2/);
    expect(resumed.stdout).not.toMatch(/\[1\/4\]/);
    expect((await windows(id)).map((w) => [w.status, w.tries])).toEqual([
      ['success', 1],
      ['success', 2],
      ['success', 1],
      ['success', 1],
    ]);
    const runs = await taggedRuns();
    expect(runs.map((r) => [r.start, r.status])).toEqual([
      ['2026-01-01', 'success'],
      ['2026-01-03', 'failed'],
      ['2026-01-03', 'success'],
      ['2026-01-05', 'success'],
      ['2026-01-07', 'success'],
    ]);
    expect(runs.every((r) => Number(r.backfill_id) === Number(id))).toBe(true);
  });

  it('runs the remaining windows after a failure with --continue-on-failure, and still reports failure', async () => {
    const result = await runCli(
      ['backfill', 'backfill_days', '-s', '2026-01-01', '-e', '2026-01-04', '--continue-on-failure'],
      { env: { ...env, DWH_TEST_FAIL_DAY: '2026-01-02' } },
    );
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/\[3\/3\] 2026-01-03 → 2026-01-04 success/);
    const [row] = await sql<{ backfill_id: number; status: string; error_message: string }>(
      'select backfill_id, status, error_message from dwh.backfills',
    );
    expect(row!.status).toBe('failed');
    expect(row!.error_message).toMatch(/window 2\/3 failed: .*source has no data for 2026-01-02/);
    expect((await windows(row!.backfill_id)).map((w) => w.status)).toEqual(['success', 'failed', 'success']);
  });

  it('continues from the first window not yet successful after the process is killed with SIGKILL', async () => {
    const marker = path.join(scratch, 'windows.txt');
    const args = ['backfill', 'backfill_days', '-s', '2026-01-01', '-e', '2026-01-06'];
    const child = startCli(args, { env: { ...env, DWH_TEST_MARKER: marker, DWH_TEST_SLEEP_MS: '1500' } });
    const exited = collect(child, 120_000);
    // the third window has started (and sleeps): windows 1 and 2 are done
    await waitFor(() => markerLines(marker).length >= 3, 'the third window to start');
    child.kill('SIGKILL');
    const killed = await exited;
    expect(killed.code).toBeNull();
    expect(killed.stdout).toMatch(/\[2\/5\] 2026-01-02 → 2026-01-03 success/);

    const again = await runCli(args, { env: { ...env, DWH_TEST_MARKER: marker } });
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/resuming backfill \d+ of backfill_days .*stopped without finishing it/);
    expect(again.stdout).toMatch(/2\/5 window\(s\) already successful: continuing with window 3/);
    expect(again.stdout).toMatch(/SUCCESS — 5\/5 window\(s\) successful/);
    // windows 1 and 2 ran once; window 3 twice (killed, then again); 4 and 5 once
    expect(markerLines(marker)).toEqual([
      '2026-01-01',
      '2026-01-02',
      '2026-01-03',
      '2026-01-03',
      '2026-01-04',
      '2026-01-05',
    ]);
    const runs = await taggedRuns();
    expect(runs.map((r) => [r.start, r.status])).toEqual([
      ['2026-01-01', 'success'],
      ['2026-01-02', 'success'],
      ['2026-01-03', 'crashed'],
      ['2026-01-03', 'success'],
      ['2026-01-04', 'success'],
      ['2026-01-05', 'success'],
    ]);
    const loads = await sql<{ day: string; loads: number }>(
      `select to_char(day, 'YYYY-MM-DD') as day, loads from backfill_days order by day`,
    );
    expect(loads.map((l) => l.loads)).toEqual([1, 1, 1, 1, 1]);
    expect(await sql<{ n: number }>('select count(*)::int as n from dwh.backfills')).toEqual([{ n: 1 }]);
  });

  it('refuses an ordinary run while a backfill holds the project, and a backfill while a run is active (exit 3)', async () => {
    const marker = path.join(scratch, 'started.txt');
    const slow = { ...env, DWH_TEST_MARKER: marker, DWH_TEST_SLEEP_MS: '20000' };
    const backfill = startCli(['backfill', 'backfill_days', '-s', '2026-01-01', '-e', '2026-01-03'], {
      env: slow,
    });
    const backfillDone = collect(backfill, 120_000);
    await waitFor(() => markerLines(marker).length >= 1, 'the backfill to start its first window');
    const run = await runCli(['run', 'backfill_days', '-s', '2026-02-01', '-e', '2026-02-02'], { env });
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/backfill_days|backfill/);
    backfill.kill('SIGKILL');
    await backfillDone;

    rmSync(marker);
    const active = startCli(['run', 'backfill_days', '-s', '2026-03-01', '-e', '2026-03-02'], { env: slow });
    const activeDone = collect(active, 120_000);
    await waitFor(() => markerLines(marker).length >= 1, 'the run to start');
    const refused = await runCli(['backfill', 'backfill_days', '-s', '2026-01-01', '-e', '2026-01-03'], {
      env,
    });
    expect(refused.code).toBe(3);
    active.kill('SIGKILL');
    await activeDone;
  });

  it('rejects bad arguments with exit 2 and a message naming the option', async () => {
    const zero = await runCli(
      ['backfill', 'backfill_days', '-s', '2026-01-01', '-e', '2026-01-03', '-d', '0'],
      { env },
    );
    expect(zero.code).toBe(2);
    expect(zero.stderr).toMatch(/--load-days: '0' must be a whole number/);
    const empty = await runCli(['backfill', 'backfill_days', '-s', '2026-01-03', '-e', '2026-01-01'], {
      env,
    });
    expect(empty.code).toBe(2);
    expect(empty.stderr).toMatch(/backfill range is empty/);
    const missing = await runCli(['backfill', 'backfill_days', '-s', '2026-01-03'], { env });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--end-date/);
    const noFailed = await runCli(
      ['backfill', 'backfill_days', '-s', '2026-01-01', '-e', '2026-01-03', '--from-failed'],
      { env },
    );
    expect(noFailed.code).toBe(2);
    expect(noFailed.stderr).toMatch(/--from-failed: no failed backfill of 'backfill_days'/);
  });
});
