import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { auditOf, runFixture } from '../helpers/run-fixture.js';
import { createTestDatabase, targetKinds, type TestDatabase } from '../helpers/test-databases.js';

describe.each(targetKinds)('runner: order and enable flags (%s)', (kind) => {
  let db: TestDatabase;
  beforeEach(async () => {
    db = await createTestDatabase(kind, 'runner-order');
  });
  afterEach(async () => {
    await db.drop();
  });

  it('runs tasks in dependency order, keeping factory order among ready tasks', async () => {
    const report = await runFixture(db, 'ordering', { endDate: new Date('2026-02-01T00:00:00Z') });
    expect(report.status).toBe('success');
    expect(report.exitCode).toBe(0);
    expect(report.result!.tasks.map((t) => t.name)).toEqual(['a', 'c', 'b', 'd', 'e', 'f', 'g']);
    const { attempts } = await auditOf(db, report.runId!);
    expect(attempts.map((a) => [a.task_name, a.status])).toEqual([
      ['a', 'success'],
      ['c', 'success'],
      ['b', 'success'],
      ['d', 'success'],
      ['e', 'disabled'],
      ['f', 'success'],
      ['g', 'success'],
    ]);
  });

  it('records a disabled task as disabled and treats it as satisfied for its dependents', async () => {
    const report = await runFixture(db, 'ordering', { endDate: new Date('2026-02-01T00:00:00Z') });
    const byName = Object.fromEntries(report.result!.tasks.map((t) => [t.name, t]));
    expect(byName.e!.status).toBe('disabled');
    expect(byName.e!.attempts).toBe(0);
    expect(byName.f!.status).toBe('success');
  });

  it('aggregates reported records and data dates into the run row', async () => {
    const report = await runFixture(db, 'ordering', { endDate: new Date('2026-02-01T00:00:00Z') });
    const { run } = await auditOf(db, report.runId!);
    expect(run.number_of_records).toBe(3);
    expect(run.data_min_date?.toISOString()).toBe('2026-01-01T00:00:00.000Z');
    expect(run.data_max_date?.toISOString()).toBe('2026-01-05T00:00:00.000Z');
    expect(run.status).toBe('success');
  });

  it('runs only the tasks named with --tasks, without pulling in their dependencies', async () => {
    const report = await runFixture(db, 'ordering', {
      endDate: new Date('2026-02-01T00:00:00Z'),
      tasks: ['d', 'g'],
    });
    expect(report.status).toBe('success');
    const { attempts } = await auditOf(db, report.runId!);
    expect(attempts.map((a) => a.task_name)).toEqual(['d', 'g']);
  });

  it('rejects --tasks naming a task the project does not have', async () => {
    await expect(runFixture(db, 'ordering', { tasks: ['nope'] })).rejects.toThrow(
      /unknown task\(s\) nope in project 'ordering'. Tasks: a, c, b, d, e, f, g/,
    );
  });

  it('applies per-environment parameter overrides from config/dwh.yaml', async () => {
    const report = await runFixture(db, 'ordering', {
      endDate: new Date('2026-02-01T00:00:00Z'),
      environment: 'override',
    });
    const { run } = await auditOf(db, report.runId!);
    expect(run.script_version).toBe('9.9.9-override');
    expect(run.environment).toBe('override');
  });
});
