import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrate } from '../../src/audit/migrate.js';
import { recoverCrashedRuns } from '../../src/audit/run-lock.js';
import { finishRun, heartbeat, insertRun } from '../../src/audit/run-store.js';
import { RunLockedError } from '../../src/core/errors.js';
import type { Warehouse } from '../../src/db/connection.js';
import { createTestDatabase, targetKinds, type TestDatabase } from '../helpers/test-databases.js';

const newRun = (heartbeatMs: number) => ({
  project: 'liveness',
  environment: 'local',
  version: '1.0.0',
  window: {
    loadType: 'F' as const,
    start: new Date('2026-01-01T00:00:00Z'),
    end: new Date('2026-02-01T00:00:00Z'),
    previousMaxDate: null,
  },
  targetDatabase: 'test',
  targetTable: 'public.liveness',
  gitSha: null,
  parameters: {},
  heartbeatMs,
});

async function statusOf(warehouse: Warehouse, runId: number): Promise<string> {
  const [row] = await warehouse.query<{ status: string }>(
    'select status from dwh.etl_runs where run_id = $1',
    [runId],
  );
  return row!.status;
}

describe.each(targetKinds)('audit: a finishing run and crash recovery (%s)', (kind) => {
  let db: TestDatabase;
  let warehouse: Warehouse;
  beforeEach(async () => {
    db = await createTestDatabase(kind, 'run-liveness');
    warehouse = await db.open();
    await migrate(warehouse);
  });
  afterEach(async () => {
    await warehouse.close();
    await db.drop();
  });

  it('leaves a run that another process marked crashed as crashed when it finishes', async () => {
    const runId = await insertRun(warehouse, newRun(100));
    await warehouse.query(
      `update dwh.etl_runs set heartbeat_at = now() - interval '1 hour' where run_id = $1`,
      [runId],
    );
    expect(await recoverCrashedRuns(warehouse, 'liveness')).toEqual([runId]);

    const finished = await finishRun(warehouse, runId, {
      status: 'success',
      records: 5,
      dataMinDate: null,
      dataMaxDate: null,
      errorMessage: null,
    });
    expect(finished).toEqual({ updated: false, status: 'crashed' });
    expect(await statusOf(warehouse, runId)).toBe('crashed');
    // its heartbeat tells the run that it was taken over
    expect(await heartbeat(warehouse, runId)).toBe(false);
  });
});

const serverOnly = targetKinds.includes('postgres') ? describe : describe.skip;

serverOnly('audit: crash recovery spares a run whose heartbeat is fresh (postgres)', () => {
  let db: TestDatabase;
  let warehouse: Warehouse;
  beforeEach(async () => {
    db = await createTestDatabase('postgres', 'run-liveness-fresh');
    warehouse = await db.open();
    await migrate(warehouse);
  });
  afterEach(async () => {
    await warehouse.close();
    await db.drop();
  });

  it('waits while the heartbeat is fresh and marks the run crashed only once it is stale', async () => {
    const runId = await insertRun(warehouse, newRun(200));
    const waits: string[] = [];
    const started = Date.now();
    expect(await recoverCrashedRuns(warehouse, 'liveness', { onWait: (m) => waits.push(m) })).toEqual([
      runId,
    ]);
    // three missed heartbeats of 200 ms
    expect(Date.now() - started).toBeGreaterThanOrEqual(500);
    expect(waits).toEqual([
      expect.stringMatching(new RegExp(`^waiting for run ${runId} .*its heartbeat is fresh`)),
    ]);
    expect(await statusOf(warehouse, runId)).toBe('crashed');
  });

  it('refuses to start (exit 3) beside a run that keeps its heartbeat fresh', async () => {
    const runId = await insertRun(warehouse, newRun(100));
    const beat = setInterval(() => void heartbeat(warehouse, runId), 50);
    try {
      const error = await recoverCrashedRuns(warehouse, 'liveness').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RunLockedError);
      expect((error as RunLockedError).exitCode).toBe(3);
      expect((error as Error).message).toMatch(`run ${runId} `);
    } finally {
      clearInterval(beat);
    }
    expect(await statusOf(warehouse, runId)).toBe('running');
  });
});
