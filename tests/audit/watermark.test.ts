import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunRow } from '../../src/audit/run-store.js';
import { fixtureHome, runCli } from '../helpers/cli.js';
import { auditOf, runFixture } from '../helpers/run-fixture.js';
import { createTestDatabase, targetKinds, type TestDatabase } from '../helpers/test-databases.js';

const d = (iso: string) => new Date(iso);

describe.each(targetKinds)('watermark: only complete runs move it (%s)', (kind) => {
  let db: TestDatabase;
  beforeEach(async () => {
    db = await createTestDatabase(kind, 'watermark');
  });
  afterEach(async () => {
    await db.drop();
  });

  it('a --tasks run is partial and the next incremental run starts from the last full run', async () => {
    const first = await runFixture(db, 'wm_partial', { endDate: d('2026-03-01'), now: d('2026-11-22') });
    expect(first.status).toBe('success');
    const exportOnly = await runFixture(db, 'wm_partial', { tasks: ['export'], now: d('2026-11-22T10:00Z') });
    expect(exportOnly.status).toBe('success');
    expect(exportOnly.window.start.toISOString()).toBe('2026-02-28T00:00:00.000Z');
    expect(exportOnly.window.end.toISOString()).toBe('2026-11-22T00:00:00.000Z');

    const next = await runFixture(db, 'wm_partial', { now: d('2026-11-23') });
    expect(next.window.start.toISOString()).toBe('2026-02-28T00:00:00.000Z');
    expect(next.window.previousMaxDate?.toISOString()).toBe('2026-02-28T00:00:00.000Z');

    const runs = await Promise.all(
      [first, exportOnly, next].map(async (r) => (await auditOf(db, r.runId!)).run),
    );
    expect(runs.map((r) => [r.run_kind, r.selected_tasks])).toEqual([
      ['full', null],
      ['partial', ['export']],
      // the disabled task `archive` is part of the factory's definition: the run is still complete
      ['full', null],
    ]);
    expect(readFileSync(exportOnly.logFile!, 'utf8')).toContain(
      `run ${exportOnly.runId} is partial: the next incremental run does not start from its window`,
    );
  });

  it('a --tasks run that selects every task of the factory is full', async () => {
    const all = await runFixture(db, 'wm_partial', {
      tasks: ['archive', 'export', 'load'],
      endDate: d('2026-03-01'),
    });
    const { run } = await auditOf(db, all.runId!);
    expect([run.run_kind, run.selected_tasks]).toEqual(['full', ['load', 'export', 'archive']]);
  });

  it('dwh run --tasks, dwh runs and --dry-run show the run kind and plan from the full run', async () => {
    const env = { DWH_HOME: fixtureHome, ...db.env };
    expect((await runCli(['run', 'wm_partial', '--end-date', '2026-03-01'], { env })).code).toBe(0);
    const partial = await runCli(['run', 'wm_partial', '--tasks', 'export', '--end-date', '2026-06-01'], {
      env,
    });
    expect(partial.code).toBe(0);
    expect(partial.stdout).toMatch(/run 2: SUCCESS \(partial\) — 0 records/);

    const table = await runCli(['runs', 'wm_partial'], { env });
    expect(table.stdout).toMatch(/^\s*run\s+project\s+status\s+load\s+window.*\bkind\b/m);
    expect(table.stdout).toMatch(/^\s+2\s+wm_partial\s+success\s.*\spartial\s/m);
    expect(table.stdout).toMatch(/^\s+1\s+wm_partial\s+success\s.*\sfull\s/m);
    expect(table.stdout).toContain('    partial: only export — not the base of the next incremental window');
    const json = JSON.parse((await runCli(['runs', 'wm_partial', '--json'], { env })).stdout) as RunRow[];
    expect(json.map((r) => [r.run_id, r.run_kind, r.selected_tasks])).toEqual([
      [2, 'partial', ['export']],
      [1, 'full', null],
    ]);

    const plan = await runCli(['run', 'wm_partial', '--dry-run', '--end-date', '2026-07-01'], { env });
    expect(plan.code).toBe(0);
    expect(plan.stdout).toContain('window       2026-02-28T00:00:00.000Z → 2026-07-01T00:00:00.000Z');
    expect(plan.stdout).toContain('previous max 2026-02-28T00:00:00.000Z');
    expect(plan.stdout).toContain('run kind     full');
  });

  it('a data date reported beyond the window is stored, warned about, and caps the watermark', async () => {
    const first = await runFixture(db, 'wm_beyond', { endDate: d('2005-01-01') });
    expect(first.status).toBe('success');
    const { run } = await auditOf(db, first.runId!);
    expect(run.data_max_date?.toISOString()).toBe('2010-03-01T00:00:00.000Z');
    expect(readFileSync(first.logFile!, 'utf8')).toContain(
      "task 'load_prices' reported dataMaxDate 2010-03-01T00:00:00.000Z outside the window " +
        '2004-12-01T00:00:00.000Z → 2005-01-01T00:00:00.000Z',
    );

    const next = await runFixture(db, 'wm_beyond', { now: d('2005-01-05T06:00Z') });
    expect(next.window.start.toISOString()).toBe('2005-01-01T00:00:00.000Z');
    expect(next.window.end.toISOString()).toBe('2005-01-05T00:00:00.000Z');
    expect((await auditOf(db, next.runId!)).run.previous_max_date?.toISOString()).toBe(
      '2005-01-01T00:00:00.000Z',
    );
  });
});
