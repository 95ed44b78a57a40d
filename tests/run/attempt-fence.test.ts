import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunReport } from '../../src/run/run-project.js';
import { runFixture } from '../helpers/run-fixture.js';
import { createTestDatabase, targetKinds, type TestDatabase } from '../helpers/test-databases.js';

describe.each(targetKinds)('runner: an attempt that has ended cannot write (%s)', (kind) => {
  let db: TestDatabase;
  let report: RunReport;
  let rows: { attempt: number; via: string }[];

  beforeAll(async () => {
    db = await createTestDatabase(kind, 'attempt-fence');
    report = await runFixture(db, 'rs_late_write', { endDate: new Date('2026-02-01T00:00:00Z') });
    const warehouse = await db.open();
    try {
      rows = await warehouse.query('select attempt, via from public.rs_late_write order by attempt, via');
    } finally {
      await warehouse.close();
    }
  });
  afterAll(async () => {
    await db.drop();
  });

  it('a timed-out attempt that ignored ctx.signal writes nothing after its retry succeeded', () => {
    expect(report.status).toBe('success');
    expect(rows).toEqual([{ attempt: 2, via: 'sql' }]);
  });

  it('ctx.sql and ctx.db refuse with an error naming the task, the attempt and why it ended', () => {
    const log = readFileSync(report.logFile!, 'utf8');
    expect(log).toContain(
      "task 'load' attempt 1 has ended (task 'load' timed out after 300 ms): ctx.sql is refused",
    );
    expect(log).toContain(
      "task 'load' attempt 1 has ended (task 'load' timed out after 300 ms): ctx.db is refused",
    );
  });
});
