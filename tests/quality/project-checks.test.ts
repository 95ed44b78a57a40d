import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { migrate } from '../../src/audit/migrate.js';
import type { Warehouse } from '../../src/db/connection.js';
import { evaluateCheck, schemaDrift, staleProjects } from '../../src/index.js';
import { staleProjectsSql } from '../../src/audit/run-store.js';
import { dueTimes } from '../../src/quality/stale-projects.js';
import { createTestDatabase, targetKinds, type TestDatabase } from '../helpers/test-databases.js';
import { plantRun } from './audit-rows.js';
import { exec, scopeFor } from './check-scope.js';

const now = new Date('2026-03-05T12:00:00Z');

describe('quality: stale project schedules', () => {
  it('takes the latest fire time a run could have finished by, given the grace', () => {
    const [daily, hourly] = dueTimes(
      [
        { name: 'daily', schedule: '0 6 * * *' },
        { name: 'hourly', schedule: '0 * * * *' },
      ],
      now,
      60,
    );
    expect(daily!.due.toISOString()).toBe('2026-03-05T06:00:00.000Z');
    expect(hourly!.due.toISOString()).toBe('2026-03-05T11:00:00.000Z');
    expect(dueTimes([{ name: 'hourly', schedule: '0 * * * *' }], now, 0)[0]!.due.toISOString()).toBe(
      '2026-03-05T12:00:00.000Z',
    );
  });

  it('generates one statement with the projects as array parameters', () => {
    const sql = staleProjectsSql([{ name: 'a', schedule: '0 6 * * *', due: now }]);
    expect(sql.text).toContain(
      'from unnest($1::text[], $2::text[], $3::timestamptz[]) as p(project, schedule, due)',
    );
    expect(sql.values).toEqual([['a'], ['0 6 * * *'], [now]]);
  });
});

describe.each(targetKinds)('quality: project-level checks (%s)', (kind) => {
  let db: TestDatabase;
  let warehouse: Warehouse;

  beforeAll(async () => {
    db = await createTestDatabase(kind, 'quality-projects');
    warehouse = await db.open();
    await migrate(warehouse);
  });
  afterAll(async () => {
    await warehouse.close();
    await db.drop();
  });
  beforeEach(async () => {
    await exec(
      warehouse,
      'delete from dwh.etl_runs',
      'drop table if exists q_orders',
      'drop table if exists q_customers',
      'create table q_customers (customer_id integer primary key, name varchar(40) not null)',
      `create table q_orders (order_id integer, customer_id integer, status text, amount numeric(10, 2),
         ordered_at timestamptz not null)`,
    );
  });

  it('staleProjects passes when every scheduled project succeeded since it was last due', async () => {
    await plantRun(warehouse, { project: 'sched_daily', endedAt: new Date('2026-03-05T06:10:00Z') });
    await plantRun(warehouse, { project: 'sched_hourly', endedAt: new Date('2026-03-05T11:02:00Z') });
    const result = await evaluateCheck(
      staleProjects({ projects: ['sched_daily', 'sched_hourly'] }),
      scopeFor(warehouse, { now }),
    );
    expect(result).toMatchObject({
      status: 'pass',
      observed: 0,
      kind: 'stale_projects',
      table: 'dwh.etl_runs',
    });
    expect(result.message).toBe('0 stale projects of 2 scheduled');
  });

  it('staleProjects lists projects that missed their schedule or never succeeded; failed runs do not count', async () => {
    await plantRun(warehouse, { project: 'sched_daily', endedAt: new Date('2026-03-05T06:10:00Z') });
    await plantRun(warehouse, { project: 'sched_hourly', endedAt: new Date('2026-03-05T10:05:00Z') });
    await plantRun(warehouse, {
      project: 'sched_hourly',
      status: 'failed',
      endedAt: new Date('2026-03-05T11:30:00Z'),
    });
    const result = await evaluateCheck(
      staleProjects({
        projects: ['sched_daily', 'sched_hourly', 'sched_never', 'sched_none'],
        severity: 'warn',
      }),
      scopeFor(warehouse, { now }),
    );
    expect(result).toMatchObject({ status: 'warn', observed: 2, failingRows: 3 });
    expect(result.sample).toEqual([
      {
        project: 'sched_hourly',
        schedule: '0 * * * *',
        due: new Date('2026-03-05T11:00:00Z'),
        last_success: new Date('2026-03-05T10:05:00Z'),
      },
      {
        project: 'sched_never',
        schedule: '30 2 * * 1',
        due: new Date('2026-03-02T02:30:00Z'),
        last_success: null,
      },
      { problem: 'sched_none: has no schedule' },
    ]);
    expect(result.message).toContain(
      'sched_hourly (last success 2026-03-05T10:05:00.000Z), sched_never (last success never)',
    );
  });

  it('staleProjects leaves out the checking project and excluded ones', async () => {
    const result = await evaluateCheck(
      staleProjects({ projects: ['sched_daily', 'sched_hourly', 'sched_never'], exclude: ['sched_never'] }),
      scopeFor(warehouse, { now, project: 'sched_hourly' }),
    );
    expect((result.sample ?? []).map((r) => r.project)).toEqual(['sched_daily']);
    expect(result.message).toMatch(/^1 stale project of 1 scheduled/);
  });

  it('schemaDrift passes when the live tables match metadata/schema.yaml, types compared canonically', async () => {
    const result = await evaluateCheck(schemaDrift(), scopeFor(warehouse));
    expect(result).toMatchObject({
      status: 'pass',
      observed: 0,
      message: '0 columns drifted from metadata/schema.yaml in 2 tables',
    });
  });

  it('schemaDrift reports new, missing and retyped columns, and a missing table', async () => {
    await exec(
      warehouse,
      'alter table q_orders add column coupon text',
      'alter table q_orders drop column status',
      'alter table q_orders alter column amount type numeric(12, 2)',
      'alter table q_orders alter column order_id type bigint',
      'drop table q_customers',
    );
    const result = await evaluateCheck(schemaDrift({ severity: 'warn' }), scopeFor(warehouse));
    expect(result).toMatchObject({ status: 'warn', observed: 6, failingRows: 6 });
    expect(result.sample).toEqual([
      {
        table_name: 'q_orders',
        column_name: 'amount',
        change: 'changed_type',
        expected_type: 'numeric(10,2)',
        actual_type: 'numeric(12,2)',
      },
      {
        table_name: 'q_orders',
        column_name: 'order_id',
        change: 'changed_type',
        expected_type: 'int',
        actual_type: 'bigint',
      },
      {
        table_name: 'q_orders',
        column_name: 'status',
        change: 'missing',
        expected_type: 'text',
        actual_type: null,
      },
      {
        table_name: 'q_orders',
        column_name: 'coupon',
        change: 'new',
        expected_type: null,
        actual_type: 'text',
      },
      {
        table_name: 'q_customers',
        column_name: 'customer_id',
        change: 'missing',
        expected_type: 'integer',
        actual_type: null,
      },
      {
        table_name: 'q_customers',
        column_name: 'name',
        change: 'missing',
        expected_type: 'varchar',
        actual_type: null,
      },
    ]);
    expect(result.message).toContain(
      '6 columns drifted from metadata/schema.yaml in 2 tables: q_orders.amount changed_type',
    );
  });

  it('schemaDrift names a missing schema file as an error result', async () => {
    const result = await evaluateCheck(schemaDrift({ file: 'metadata/nope.yaml' }), scopeFor(warehouse));
    expect(result).toMatchObject({
      status: 'error',
      message: 'could not run: metadata/nope.yaml does not exist',
    });
  });
});
