import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureHome, runCli } from '../helpers/cli.js';
import { createTestDatabase, targetKinds, type TestDatabase } from '../helpers/test-databases.js';

const sources = {
  DWH_TEST_SOURCE_PG_URL: 'postgres://unused',
  DWH_TEST_SOURCE_MYSQL_URL: 'mysql://unused',
  DWH_TEST_SOURCE_API_URL: 'http://127.0.0.1:1/',
  DWH_TEST_SOURCE_API_TOKEN: 'unused-token',
};
const factory = (project: string) => `projects/errors/${project}/factory.ts`;

describe.each(targetKinds)('cli: options are checked when the project loads (%s)', (kind) => {
  let db: TestDatabase;
  let env: Record<string, string>;
  beforeAll(async () => {
    db = await createTestDatabase(kind, 'cli-options');
    // the `connectors` environment of the fixture home has the file connector `files`
    env = { ...db.env, ...sources, DWH_HOME: fixtureHome, DWH_ENV: 'connectors' };
  });
  afterAll(async () => {
    await db.drop();
  });

  const cases: Array<[string, string, RegExp[]]> = [
    [
      'a typo in an extractLoad option',
      'err_opt_typo',
      [
        new RegExp(
          `${factory('err_opt_typo')}: task 'load_orders': extractLoad: unknown option 'targt' \\(did you mean 'target'\\?\\)`,
        ),
        /task 'load_orders': extractLoad\.target: is required/,
      ],
    ],
    [
      'an unknown mapping name',
      'err_opt_mapping',
      [
        /projects\/errors\/err_opt_mapping\/metadata\/mapping\.yaml: task 'load_orders': ordres: no such mapping; mappings: orders/,
      ],
    ],
    [
      'an unknown connector',
      'err_opt_connector',
      [
        new RegExp(
          `${factory('err_opt_connector')}: task 'load_orders': extractLoad\\.source: unknown connector; config/dwh\\.yaml environments\\.connectors\\.connectors has: files, .* \\(got "filez"\\)`,
        ),
      ],
    ],
    [
      'an error in metadata/mapping.yaml',
      'err_bad_mapping_yaml',
      [
        /err_bad_mapping_yaml\/metadata\/mapping\.yaml: task 'load_orders': orders\.columns\.id: .*\(got "integr"\)/,
      ],
    ],
    [
      'an error in metadata/validation.yaml',
      'err_bad_validation_yaml',
      [
        /err_bad_validation_yaml\/metadata\/validation\.yaml: task 'validate': checks\[0\]\.type: must be one of not_null, .*\(got "not_nul"\)/,
      ],
    ],
    [
      'task options of the wrong type, out of range or unknown',
      'err_task_options',
      [
        /task 'a': options\.retries: .*expected number.* \(got "x"\)/,
        /task 'b': options\.timeoutMs: .* \(got -5\)/,
        /task 'c': options: unknown option 'retires' \(did you mean 'retries'\?\)/,
      ],
    ],
    [
      'an impossible fullLoadStartDate',
      'err_bad_date',
      [
        /projects\/errors\/err_bad_date\/parameters\.ts: fullLoadStartDate: 2026-02-30 is not a day of the calendar/,
      ],
    ],
  ];

  it.each(cases)(
    '--dry-run reports %s with file, task, key and value (exit 2)',
    async (_name, project, messages) => {
      const result = await runCli(['run', project, '--dry-run'], { env });
      for (const message of messages) expect(result.stderr).toMatch(message);
      expect(result.stderr).not.toMatch(/TypeError|\n\s+at /);
      expect(result.code).toBe(2);
    },
  );

  it('stops a real run with exit 2 before its first task writes', async () => {
    const result = await runCli(['run', 'err_opt_typo'], { env });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/unknown option 'targt'/);
    const warehouse = await db.open();
    try {
      const [marker] = await warehouse.query<{ t: string | null }>(
        `select to_regclass('err_marker')::text as t`,
      );
      expect(marker!.t).toBeNull();
      const [audit] = await warehouse.query<{ t: string | null }>(
        `select to_regclass('dwh.etl_runs')::text as t`,
      );
      const runs = audit!.t
        ? await warehouse.query(`select 1 from dwh.etl_runs where project_name = 'err_opt_typo'`)
        : [];
      expect(runs).toEqual([]);
    } finally {
      await warehouse.close();
    }
    expect(existsSync(path.join(db.metadataDir, 'logs', 'err_opt_typo'))).toBe(false);
  });
});
