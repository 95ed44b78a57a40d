import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFixture } from '../helpers/run-fixture.js';
import { createTestDatabase, targetKinds, type TestDatabase } from '../helpers/test-databases.js';
import { get, startTestDashboard } from './dashboard-fixture.js';

const other = targetKinds.at(-1)!;

describe(`dashboard: run logs of one home used with the embedded database and ${other === 'postgres' ? 'a server' : 'another embedded database'}`, () => {
  let embedded: TestDatabase;
  let second: TestDatabase;
  beforeAll(async () => {
    embedded = await createTestDatabase('pglite', 'logs-embedded');
    const own = await createTestDatabase(other, 'logs-second');
    // the same home: both databases keep their run logs in the embedded one's metadata folder
    second = { ...own, env: { ...own.env, DWH_METADATA_DIR: embedded.metadataDir } };
  });
  afterAll(async () => {
    await second?.drop();
    await embedded?.drop();
  });

  it("shows each database's own log for a run id both databases have", async () => {
    const first = await runFixture(embedded, 'mon_ok', { endDate: new Date('2026-02-01T00:00:00Z') });
    const later = await runFixture(second, 'mon_ok', {
      startDate: new Date('2026-05-01T00:00:00Z'),
      endDate: new Date('2026-06-01T00:00:00Z'),
    });
    expect([first.runId, later.runId]).toEqual([1, 1]);
    expect(first.logFile).not.toBe(later.logFile);

    for (const [db, window] of [
      [embedded, '2026-01-01T00:00:00.000Z → 2026-02-01T00:00:00.000Z'],
      [second, '2026-05-01T00:00:00.000Z → 2026-06-01T00:00:00.000Z'],
    ] as const) {
      const dashboard = await startTestDashboard(db);
      try {
        const data = JSON.parse((await get(dashboard, '/api/runs/1')).body) as {
          log: { file: string | null; text: string };
        };
        expect(data.log.text).toContain(`window ${window}`);
        expect(data.log.file).toMatch(
          /^mon_ok\/logs\/\d{4}-\d{2}-\d{2}_\d{2}-\d{2}-\d{2}_[0-9a-f]{8}_etl\.log$/,
        );
      } finally {
        await dashboard.close();
      }
    }
  });
});
