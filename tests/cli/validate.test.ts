import { describe, expect, it } from 'vitest';
import { fixtureHome, runCli } from '../helpers/cli.js';

const env = {
  DWH_HOME: fixtureHome,
  DWH_ENV: 'connectors',
  DWH_TEST_SOURCE_PG_URL: 'postgres://unused',
  DWH_TEST_SOURCE_MYSQL_URL: 'mysql://unused',
  DWH_TEST_SOURCE_API_URL: 'http://127.0.0.1:1/',
  DWH_TEST_SOURCE_API_TOKEN: 'unused-token',
  // validate never opens the warehouse: an unreachable one proves it
  DWH_DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none',
};

describe('cli: dwh validate', () => {
  it('passes a sound project: options, mapping, validation.yaml, SQL and types (exit 0)', async () => {
    const result = await runCli(['validate', 'err_validate_ok'], { env });
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain('ok    errors/err_validate_ok');
    expect(result.stdout).toContain('typecheck: ok');
    expect(result.code).toBe(0);
  });

  it('reports option problems with file, task, key and value (exit 2)', async () => {
    const result = await runCli(['validate', 'err_opt_typo'], { env });
    expect(result.stdout).toContain('FAIL  errors/err_opt_typo');
    expect(result.stdout).toMatch(
      /projects\/errors\/err_opt_typo\/factory\.ts: task 'load_orders': extractLoad: unknown option 'targt'/,
    );
    expect(result.code).toBe(2);
  });

  it('reports an error in a mapping no task uses', async () => {
    const result = await runCli(['validate', 'err_bad_mapping_yaml'], { env });
    expect(result.stdout).toMatch(/mapping\.yaml: orders\.columns\.id: .*\(got "integr"\)/);
    expect(result.code).toBe(2);
  });

  it('reports a SQL file whose string literal never closes, with its line', async () => {
    const result = await runCli(['validate', 'err_bad_sql'], { env });
    expect(result.stdout).toMatch(
      /projects\/errors\/err_bad_sql\/sql\/count\.sql: line 1: a string literal opened here is never closed/,
    );
    expect(result.code).toBe(2);
  });

  it("typechecks project files against dwh's types", async () => {
    const result = await runCli(['validate', 'err_type_error'], { env });
    expect(result.stdout).toContain('ok    errors/err_type_error');
    expect(result.stdout).toMatch(
      /typecheck: 1 error\(s\)\n\s+projects\/errors\/err_type_error\/factory\.ts:4:\d+: Type 'string' is not assignable to type 'number'/,
    );
    expect(result.code).toBe(2);
  });

  it('reports bad task options with the nearest known key (exit 2)', async () => {
    const result = await runCli(['validate', 'err_task_options'], { env });
    expect(result.stdout).toMatch(/task 'c': options: unknown option 'retires' \(did you mean 'retries'\?\)/);
    expect(result.code).toBe(2);
  });

  it('reports an impossible date in parameters.ts (exit 2)', async () => {
    const result = await runCli(['validate', 'err_bad_date'], { env });
    expect(result.stdout).toMatch(/fullLoadStartDate: 2026-02-30 is not a day of the calendar/);
    expect(result.code).toBe(2);
  });
});
