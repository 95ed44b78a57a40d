import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditOf, runFixture } from '../helpers/run-fixture.js';
import { fixtureHome } from '../helpers/cli.js';
import { createSourceMysql, createSourcePg, sourcePgAdminUrl } from '../helpers/source-databases.js';
import { createTestDatabase, targetKinds, type TestDatabase } from '../helpers/test-databases.js';
import type { AttemptRow } from '../../src/audit/task-run-store.js';

const end = new Date('2026-01-02T00:00:00Z');
const tables = ['par_a', 'par_b', 'par_c'];
const labels = ['one', 'two', 'three', 'four', 'five'];

/** The three attempts ran at the same time: each started before any of them ended. */
function expectOverlap(attempts: AttemptRow[]) {
  expect(attempts).toHaveLength(3);
  const lastStart = Math.max(...attempts.map((a) => a.started_at.getTime()));
  const firstEnd = Math.min(...attempts.map((a) => a.ended_at!.getTime()));
  expect(lastStart).toBeLessThan(firstEnd);
}

describe.each(targetKinds)('connectors: parallel tasks extracting from one connector (%s)', (kind) => {
  let db: TestDatabase;
  let sources: {
    pg: { url: string; drop(): Promise<void> } | null;
    mysql: { url: string; drop(): Promise<void> };
  };

  beforeAll(async () => {
    db = await createTestDatabase(kind, 'parallel-extracts');
    const values = labels.map((label, i) => `(${i + 1}, '${label}')`).join(', ');
    sources = {
      pg: sourcePgAdminUrl
        ? await createSourcePg(
            'par',
            `create table par_source (id int, label text); insert into par_source values ${values};`,
          )
        : null,
      mysql: await createSourceMysql('par', [
        'create table par_source (id int, label varchar(20))',
        `insert into par_source values ${values}`,
      ]),
    };
  });
  afterAll(async () => {
    await sources.pg?.drop();
    await sources.mysql.drop();
    await db.drop();
  });

  const runParallel = (source: 'source_pg' | 'source_mysql', path: 'rows' | 'bytes') =>
    runFixture(db, 'conn_parallel', {
      environment: 'connectors',
      env: {
        DWH_HOME: fixtureHome,
        ...db.env,
        DWH_TEST_SOURCE_PG_URL: sources.pg?.url ?? 'postgres://unused',
        DWH_TEST_SOURCE_MYSQL_URL: sources.mysql.url,
        DWH_TEST_SOURCE_API_URL: 'http://127.0.0.1:1/',
        DWH_TEST_SOURCE_API_TOKEN: 'unused',
      },
      loadType: 'F',
      endDate: end,
      parallel: 3,
      params: { source, path },
    });

  const expectLoaded = async (runId: number) => {
    const warehouse = await db.open();
    const sessions = new Set<number>();
    try {
      for (const table of tables) {
        expect(await warehouse.query(`select id, label from ${table} order by id`)).toEqual(
          labels.map((label, i) => ({ id: i + 1, label })),
        );
        const read = await warehouse.query<{ session: number }>(`select distinct session from ${table}`);
        expect(read).toHaveLength(1);
        sessions.add(read[0]!.session);
      }
    } finally {
      await warehouse.close();
    }
    // each task read through a source session of its own
    expect(sessions.size).toBe(3);
    const { run, attempts } = await auditOf(db, runId);
    expect(run.status).toBe('success');
    // only the project's target table (par_a) counts in the run's records
    expect(run.number_of_records).toBe(5);
    expect(attempts.map((a) => [a.task_name, a.status, a.records]).sort()).toEqual(
      ['extract_a', 'extract_b', 'extract_c'].map((t) => [t, 'success', 5]),
    );
    expectOverlap(attempts);
  };

  it.skipIf(!sourcePgAdminUrl)(
    'postgres rows: each task reads through a cursor of its own session, all three at once',
    async () => {
      const report = await runParallel('source_pg', 'rows');
      expect(report.error).toBeNull();
      await expectLoaded(report.runId!);
    },
  );

  it.skipIf(!sourcePgAdminUrl)(
    'postgres bytes: each task streams its own COPY TO STDOUT, all three at once',
    async () => {
      const report = await runParallel('source_pg', 'bytes');
      expect(report.error).toBeNull();
      await expectLoaded(report.runId!);
    },
  );

  it('mysql: each task streams over a connection of its own, all three at once', async () => {
    const report = await runParallel('source_mysql', 'rows');
    expect(report.error).toBeNull();
    await expectLoaded(report.runId!);
  });
});
