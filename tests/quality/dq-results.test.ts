import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listDqResults, listProjectDqResults } from '../../src/ops.js';
import { runFixture } from '../helpers/run-fixture.js';
import { createTestDatabase, targetKinds, type TestDatabase } from '../helpers/test-databases.js';

describe.each(targetKinds)('quality: reading a run’s results (%s)', (kind) => {
  let db: TestDatabase;
  beforeEach(async () => {
    db = await createTestDatabase(kind, 'quality-results');
  });
  afterEach(async () => {
    await db.drop();
  });

  it('listDqResults returns the checks of one run in the order they ran', async () => {
    const first = await runFixture(db, 'dq_orders', { endDate: new Date('2026-03-05T00:00:00Z') });
    const second = await runFixture(db, 'dq_orders', { endDate: new Date('2026-03-06T00:00:00Z') });
    expect([first.status, second.status]).toEqual(['success', 'success']);
    const warehouse = await db.open();
    try {
      const rows = await listDqResults(warehouse, second.runId!);
      expect(rows.map((r) => [r.run_id, r.check_type, r.status])).toEqual([
        [second.runId, 'not_null', 'pass'],
        [second.runId, 'unique', 'pass'],
        [second.runId, 'accepted_values', 'pass'],
        [second.runId, 'range', 'pass'],
        [second.runId, 'relationships', 'pass'],
      ]);
      const history = await listProjectDqResults(warehouse, 'dq_orders', 6);
      expect(history.map((r) => r.run_id)).toEqual([
        second.runId,
        second.runId,
        second.runId,
        second.runId,
        second.runId,
        first.runId,
      ]);
      expect(await listDqResults(warehouse, 999_999)).toEqual([]);
    } finally {
      await warehouse.close();
    }
  });
});
