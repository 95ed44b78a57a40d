import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunReport } from '../../src/run/run-project.js';
import { fixtureHome } from '../helpers/cli.js';
import { runFixture } from '../helpers/run-fixture.js';
import { createTestDatabase, targetKinds, type TestDatabase } from '../helpers/test-databases.js';

const end = new Date('2026-01-02T00:00:00Z');
/** The connectors environment names other sources too; this fixture reads files only. */
const unused = {
  DWH_TEST_SOURCE_PG_URL: 'postgres://unused',
  DWH_TEST_SOURCE_MYSQL_URL: 'mysql://unused',
  DWH_TEST_SOURCE_API_URL: 'http://127.0.0.1:1/',
  DWH_TEST_SOURCE_API_TOKEN: 'unused',
};

/**
 * The same file through both paths of extractLoad: pass-through (`*_copy`: no mapping, bytes to COPY) and
 * parsed (`*_mapped`: a mapping). Fixture tests/fixtures/home/projects/connectors/in_files: one task per case,
 * each loading its own table `in_<task>` with mode truncate; the project runs once and every case is read back.
 */
describe.each(targetKinds)('extractLoad: file input is loaded as it is, or not at all (%s)', (kind) => {
  let db: TestDatabase;
  let report: RunReport;
  const outcome = (task: string) => {
    const found = report.result?.tasks.find((t) => t.name === task);
    if (!found) throw new Error(`task ${task} did not run: ${report.error}`);
    return found;
  };
  const rows = async (task: string) => {
    const warehouse = await db.open();
    try {
      return await warehouse.query<{ id: number; value: string | null }>(
        `select * from (select id, to_jsonb(t) ->> (case when '${task}' like 'nulls%' then 'note' else 'name' end) as value
           from in_${task} t) x order by id`,
      );
    } finally {
      await warehouse.close();
    }
  };

  beforeAll(async () => {
    db = await createTestDatabase(kind, 'file-input');
    report = await runFixture(db, 'in_files', {
      environment: 'connectors',
      env: { DWH_HOME: fixtureHome, ...db.env, ...unused },
      loadType: 'F',
      endDate: end,
    });
  });
  afterAll(async () => {
    await db.drop();
  });

  it.each(['marker_copy', 'marker_mapped'])(
    'a line that is just \\. fails naming the file and line; the target keeps its rows (%s)',
    async (task) => {
      expect(outcome(task).status).toBe('failed');
      expect(outcome(task).error).toMatch(/data\/marker\.csv line 3\b/);
      expect(await rows(task)).toEqual([{ id: 0, value: 'before' }]);
    },
  );

  it.each([
    ['nulls_copy', [null, '', 'x']],
    ['nulls_mapped', [null, '', 'x']],
    ['nulls_mapped_empty', ['', '', 'x']],
  ])(
    'an empty unquoted field is NULL and a quoted "" an empty string on both paths; emptyField: empty reads both as "" (%s)',
    async (task, values) => {
      expect(outcome(task).error).toBeNull();
      expect((await rows(task)).map((r) => r.value)).toEqual(values);
    },
  );

  it.each(['latin1_copy', 'latin1_mapped'])(
    'bytes that are not UTF-8 fail naming the file and line when no encoding is set (%s)',
    async (task) => {
      expect(outcome(task).status).toBe('failed');
      expect(outcome(task).error).toMatch(/data\/latin1\.csv line 3\b/);
      expect(await rows(task)).toEqual([]);
    },
  );

  it.each([
    ['latin1_copy_declared', '\u0080 sign'],
    ['latin1_mapped_declared', '\u0080 sign'],
    ['cp1252_copy_declared', '\u20ac sign'],
    ['cp1252_mapped_declared', '\u20ac sign'],
  ])('encoding on the source decodes the file the same way on both paths (%s)', async (task, three) => {
    expect(outcome(task).error).toBeNull();
    expect((await rows(task)).map((r) => r.value)).toEqual(['Ann', 'M\u00fcller', three]);
  });

  it.each(['empty_copy', 'empty_mapped'])(
    'an empty file is an error naming the file, and truncate does not run (%s)',
    async (task) => {
      expect(outcome(task).status).toBe('failed');
      expect(outcome(task).error).toContain('data/empty.csv: the file is empty');
      expect(outcome(task).error).toContain('allowEmpty');
      expect(await rows(task)).toEqual([{ id: 0, value: 'kept' }]);
    },
  );

  it.each(['empty_allowed_copy', 'empty_allowed_mapped'])(
    'with allowEmpty an empty file is a source without rows: truncate empties the target (%s)',
    async (task) => {
      expect(outcome(task)).toMatchObject({ status: 'success', records: 0 });
      expect(await rows(task)).toEqual([]);
    },
  );
});
