import os from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../src/audit/migrate.js';
import { auditOf, runFixture } from '../helpers/run-fixture.js';
import { createTestDatabase, targetKinds, type TestDatabase } from '../helpers/test-databases.js';

const DESIGN_COLUMNS = [
  'run_id',
  'project_name',
  'environment',
  'script_version',
  'load_type',
  'start_load_date',
  'end_load_date',
  'previous_max_date',
  'data_min_date',
  'data_max_date',
  'start_script_execution_time',
  'end_script_execution_time',
  'status',
  'number_of_records',
  'target_database',
  'target_table',
  'error_message',
  'host',
  'pid',
  'heartbeat_at',
  'git_sha',
  'parameters',
  'email_status',
];

describe.each(targetKinds)('audit: etl_runs and etl_task_runs rows (%s)', (kind) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase(kind, 'audit-rows');
  });
  afterAll(async () => {
    await db.drop();
  });

  it('has every etl_runs column of the design', async () => {
    const warehouse = await db.open();
    try {
      await migrate(warehouse);
      const columns = await warehouse.query<{ column_name: string }>(
        `select column_name from information_schema.columns where table_schema = 'dwh' and table_name = 'etl_runs'`,
      );
      expect(columns.map((c) => c.column_name)).toEqual(expect.arrayContaining(DESIGN_COLUMNS));
    } finally {
      await warehouse.close();
    }
  });

  it('records who ran what, where, for which window, with the resolved parameters', async () => {
    const before = Date.now();
    const report = await runFixture(db, 'ordering', {
      startDate: new Date('2026-01-03T00:00:00Z'),
      endDate: new Date('2026-01-10T00:00:00Z'),
      loadType: 'F',
    });
    const { run, attempts } = await auditOf(db, report.runId!);
    expect(run).toMatchObject({
      project_name: 'ordering',
      environment: 'local',
      script_version: '1.0.0',
      load_type: 'F',
      status: 'success',
      target_database: 'test',
      target_table: 'public.ordering',
      host: os.hostname(),
      pid: process.pid,
      error_message: null,
      previous_max_date: null,
    });
    expect(run.start_load_date.toISOString()).toBe('2026-01-03T00:00:00.000Z');
    expect(run.end_load_date.toISOString()).toBe('2026-01-10T00:00:00.000Z');
    expect(run.start_script_execution_time.getTime()).toBeGreaterThanOrEqual(before - 1000);
    expect(run.end_script_execution_time!.getTime()).toBeGreaterThanOrEqual(
      run.start_script_execution_time.getTime(),
    );
    expect(run.git_sha).toMatch(/^[0-9a-f]{40}$/);
    expect(run.parameters).toMatchObject({
      name: 'ordering',
      fullLoadStartDate: '2026-01-01T00:00:00.000Z',
      retries: 0,
    });
    for (const attempt of attempts.filter((a) => a.status === 'success')) {
      expect(attempt.ended_at!.getTime()).toBeGreaterThanOrEqual(attempt.started_at.getTime());
    }
  });
});
