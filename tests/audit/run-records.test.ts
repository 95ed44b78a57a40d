import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runProject } from '../../src/ops.js';
import { fixtureHome } from '../helpers/cli.js';
import { auditOf, runFixture } from '../helpers/run-fixture.js';
import { createTestDatabase, targetKinds, type TestDatabase } from '../helpers/test-databases.js';

describe.each(targetKinds)('audit: number_of_records counts the target (%s)', (kind) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase(kind, 'run-records');
  });
  afterAll(async () => {
    await db.drop();
  });

  it('with no task marked, counts the records reported for parameters.target by name', async () => {
    const report = await runFixture(db, 'wm_records', { endDate: new Date('2026-01-02') });
    expect(report.result?.records).toBe(11);
    const { run, attempts } = await auditOf(db, report.runId!);
    expect(Number(run.number_of_records)).toBe(11);
    // each task keeps its own count
    expect(attempts.map((a) => [a.task_name, Number(a.records)])).toEqual([
      ['stage', 10],
      ['dim_date', 1095],
      ['fact', 111],
    ]);
  });

  it('counts only the tasks marked `target: true` when the factory marks one', async () => {
    const lines: string[] = [];
    const report = await runProjectPrinted(db, 'wm_records_marked', lines);
    const { run, attempts } = await auditOf(db, report.runId!);
    expect(Number(run.number_of_records)).toBe(24);
    expect(attempts.map((a) => Number(a.records))).toEqual([368, 24, 24]);
    expect(lines).toContain(`run ${report.runId}: SUCCESS — 24 records`);
  });

  it('counts every task when no task says what it loaded', async () => {
    const report = await runFixture(db, 'ordering', { endDate: new Date('2026-01-10') });
    expect(Number((await auditOf(db, report.runId!)).run.number_of_records)).toBe(3);
  });
});

function runProjectPrinted(db: TestDatabase, project: string, lines: string[]) {
  return runProject(
    { project, console: false, env: { DWH_HOME: fixtureHome, ...db.env }, endDate: new Date('2026-01-02') },
    (line) => lines.push(line),
  );
}
