import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AttemptRow } from '../../src/audit/task-run-store.js';
import type { RunReport } from '../../src/run/run-project.js';
import { fixtureHome } from '../helpers/cli.js';
import { auditOf, runFixture } from '../helpers/run-fixture.js';
import { createTestDatabase, targetKinds, type TestDatabase } from '../helpers/test-databases.js';

const endDate = new Date('2026-02-01T00:00:00Z');

describe.each(targetKinds)('runner: which errors are retried (%s)', (kind) => {
  let db: TestDatabase;
  let report: RunReport;
  let attempts: AttemptRow[];
  const of = (task: string) => attempts.filter((a) => a.task_name === task).map((a) => a.status);

  beforeAll(async () => {
    db = await createTestDatabase(kind, 'retry-classes');
    report = await runFixture(db, 'err_retry_classes', { endDate });
    ({ attempts } = await auditOf(db, report.runId!));
  });
  afterAll(async () => {
    await db.drop();
  });

  it.each([
    ['a cast error (SQLSTATE 22P02)', 'cast_error'],
    ['a duplicate key (SQLSTATE 23505)', 'duplicate_key'],
    ['an unknown table (SQLSTATE 42P01)', 'unknown_table'],
    ['a failed blocking check', 'failed_check'],
    ['an unknown connector', 'unknown_connector'],
    ['an unknown load mode', 'unknown_mode'],
    ['a TypeError from a bad option', 'type_error'],
    ["the task's own NonRetryableError", 'own_error'],
    ["an error the task's retryOn refuses", 'retry_on_says_no'],
  ])('does not retry %s: one attempt, recorded failed', (_name, task) => {
    expect(of(task)).toEqual(['failed']);
  });

  it.each([
    ['a deadlock (SQLSTATE 40P01)', 'deadlock'],
    ['a serialization failure (SQLSTATE 40001)', 'serialization_failure'],
    ['an error nothing is known about', 'plain_error'],
  ])('retries %s', (_name, task) => {
    expect(of(task)).toEqual(['up_for_retry', 'success']);
  });

  it("keeps PostgreSQL's DETAIL in etl_task_runs.error_message", () => {
    const row = attempts.find((a) => a.task_name === 'duplicate_key')!;
    expect(row.error_message).toMatch(/duplicate key value violates unique constraint/);
    expect(row.error_message).toContain('Key (symbol, price_date)=(AAPL, 2010-03-01) already exists.');
  });

  it('keeps the DETAIL in the run error and the e-mail detail of the task', () => {
    const task = report.result!.tasks.find((t) => t.name === 'duplicate_key')!;
    expect(task.errorDetail).toContain('Key (symbol, price_date)=(AAPL, 2010-03-01) already exists.');
  });

  it('says in the log why a task was not retried', async () => {
    const { readFileSync } = await import('node:fs');
    const log = readFileSync(report.logFile!, 'utf8');
    expect(log).toMatch(/failed after 1 attempt\(s\): .*not retried: SQLSTATE 22P02 \(data exception\)/);
  });
});

describe.skipIf(!targetKinds.includes('postgres'))('runner: a connection the server terminated', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase('postgres', 'retry-terminated');
  });
  afterAll(async () => {
    await db.drop();
  });

  it('is retried on a new connection (SQLSTATE 57P01)', async () => {
    const report = await runFixture(db, 'err_terminated', { endDate });
    const { attempts } = await auditOf(db, report.runId!);
    expect(attempts.map((a) => a.status)).toEqual(['up_for_retry', 'success']);
    expect(attempts[0]!.error_message).toMatch(/terminating connection due to administrator command/);
    expect(report.status).toBe('success');
  });
});

describe.each(targetKinds)('runner: HTTP failures of a connector (%s)', (kind) => {
  let db: TestDatabase;
  let server: Server;
  let api: string;
  let answers: number[];
  beforeAll(async () => {
    db = await createTestDatabase(kind, 'retry-http');
    server = createServer((_req, res) => {
      const status = answers.shift() ?? 200;
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(status === 200 ? JSON.stringify({ rates: [{ code: 'EUR' }] }) : '{"error":"busy"}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    api = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  afterAll(async () => {
    server.close();
    await db.drop();
  });

  const run = () =>
    runFixture(db, 'err_http_retry', {
      environment: 'connectors',
      loadType: 'F',
      endDate,
      env: {
        DWH_HOME: fixtureHome,
        ...db.env,
        DWH_TEST_SOURCE_PG_URL: 'postgres://unused',
        DWH_TEST_SOURCE_MYSQL_URL: 'mysql://unused',
        DWH_TEST_SOURCE_API_URL: api,
        DWH_TEST_SOURCE_API_TOKEN: 'unused-token',
      },
    });

  it('retries the task after an HTTP 503', async () => {
    answers = [503];
    const report = await run();
    const { attempts } = await auditOf(db, report.runId!);
    expect(attempts.map((a) => a.status)).toEqual(['up_for_retry', 'success']);
    expect(attempts[0]!.error_message).toMatch(/returned 503/);
  });

  it('does not retry an HTTP 404', async () => {
    answers = [404, 404, 404];
    const report = await run();
    const { attempts } = await auditOf(db, report.runId!);
    expect(attempts.map((a) => a.status)).toEqual(['failed']);
    expect(attempts[0]!.error_message).toMatch(/returned 404/);
  });
});
