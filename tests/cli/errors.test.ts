import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureHome, runCli } from '../helpers/cli.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-databases.js';

describe('cli: bad input gets a clear error and exit code 2', () => {
  let db: TestDatabase;
  let env: Record<string, string>;
  beforeAll(async () => {
    db = await createTestDatabase('embedded', 'cli-errors');
    env = { ...db.env, DWH_HOME: fixtureHome };
  });
  afterAll(async () => {
    await db.drop();
  });

  const cases: Array<[string, string[], RegExp]> = [
    [
      'an unknown project, listing the known ones',
      ['run', 'nope'],
      /unknown project 'nope'. Known projects: .*runner\/ordering/,
    ],
    [
      'a dependency cycle, naming the tasks in it',
      ['run', 'cycle'],
      /project 'cycle': dependency cycle: extract → publish → transform → extract/,
    ],
    [
      'an unknown dependency, naming the task and the missing name',
      ['run', 'unknown_dep'],
      /project 'unknown_dep': task 'report' depends on unknown task 'lod'/,
    ],
    [
      'a factory that throws while loading, naming the file',
      ['run', 'throws_on_load'],
      /projects\/broken\/throws_on_load\/factory\.ts: failed to load: factory exploded while loading/,
    ],
    [
      'invalid parameters, naming the file, key and value',
      ['run', 'bad_params'],
      /projects\/broken\/bad_params\/parameters\.ts: lookbackDays: .* \(got -3\)/,
    ],
    [
      'a malformed date',
      ['run', 'ordering', '--start-date', 'yesterday'],
      /--start-date: 'yesterday' is not a date/,
    ],
    [
      'an impossible date',
      ['run', 'ordering', '--end-date', '2026-02-30'],
      /--end-date: '2026-02-30' is not a valid calendar date/,
    ],
    [
      'a start date on or after the end date',
      ['run', 'ordering', '--start-date', '2026-03-01', '--end-date', '2026-02-01'],
      /empty load window: start 2026-03-01T00:00:00.000Z \(from --start-date\) is not before end 2026-02-01T00:00:00.000Z/,
    ],
    [
      'an unknown load type',
      ['run', 'ordering', '--load-type', 'X'],
      /argument 'X' is invalid. Allowed choices are I, F/,
    ],
    [
      'an unknown environment',
      ['run', 'ordering', '--env', 'moon'],
      /config\/dwh\.yaml: environments: unknown environment; known: local, override, \w+.*\(got "moon"\)/,
    ],
    ['a bad --limit', ['runs', '--limit', 'lots'], /--limit: 'lots' is not a positive whole number/],
    ['an unknown command', ['launch'], /unknown command 'launch'/],
  ];

  it.each(cases)('%s', async (_name, args, message) => {
    const result = await runCli(args, { env });
    expect(result.stderr).toMatch(message);
    expect(result.code).toBe(2);
  });

  it('does not leak the password of an unreachable database URL', async () => {
    const result = await runCli(['run', 'ordering'], {
      env: { ...env, DWH_DATABASE_URL: 'postgres://etl:s3cr3t-pa55@127.0.0.1:1/warehouse' },
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/cannot connect to postgres:\/\/etl:\*\*\*@127\.0\.0\.1:1\/warehouse/);
    expect(result.stderr + result.stdout).not.toContain('s3cr3t-pa55');
  });

  it('fails the run (exit 1) when a query of `dwh sql` fails', async () => {
    const result = await runCli(['sql', 'select * from no_such_table'], { env });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/query failed: relation "no_such_table" does not exist/);
  });
});

describe('cli: configuration errors name the file, key and value', () => {
  let home: string;
  const writeConfig = (text: string) => writeFileSync(path.join(home, 'config', 'dwh.yaml'), text);
  beforeAll(() => {
    home = mkdtempSync(path.join(os.tmpdir(), 'dwh-config-'));
    mkdirSync(path.join(home, 'config'), { recursive: true });
    mkdirSync(path.join(home, 'projects'), { recursive: true });
  });
  afterAll(() => rmSync(home, { recursive: true, force: true }));

  it('reports a wrong type with the key path and the value', async () => {
    writeConfig('environments:\n  local:\n    database:\n      url: 5\n');
    const result = await runCli(['runs'], { env: { DWH_HOME: home } });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/config\/dwh\.yaml: environments\.local\.database\.url: .*\(got 5\)/);
  });

  it('reports an unknown key', async () => {
    writeConfig('environments:\n  local:\n    database:\n      uri: postgres://x\n');
    const result = await runCli(['runs'], { env: { DWH_HOME: home } });
    expect(result.stderr).toMatch(/config\/dwh\.yaml: environments\.local\.database: unknown key\(s\) 'uri'/);
  });

  it('reports a misspelt section of an environment, naming the nearest known one', async () => {
    writeConfig('environments:\n  local:\n    conectors:\n      crm: { kind: postgres }\n');
    const result = await runCli(['runs'], { env: { DWH_HOME: home } });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /config\/dwh\.yaml: environments\.local: unknown key\(s\) 'conectors' \(did you mean 'connectors'\?\); known: database, projects, connectors, smtp, recipients, email, dashboard/,
    );
  });

  it('names the nearest known key of the database section', async () => {
    writeConfig('environments:\n  local:\n    database:\n      engin: pglite\n');
    const result = await runCli(['runs'], { env: { DWH_HOME: home } });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/unknown key\(s\) 'engin' \(did you mean 'engine'\?\); known: url, engine/);
  });
  it('rejects a tuning variable that is not a number of milliseconds, before doing anything', async () => {
    writeConfig('environments:\n  local:\n    database: {}\n');
    const result = await runCli(['runs'], { env: { DWH_HOME: home, DWH_HEARTBEAT_MS: '10s' } });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /environment: DWH_HEARTBEAT_MS: must be a number of milliseconds ≥ 1 \(default 10000\) \(got "10s"\)/,
    );
  });

  it('reports invalid YAML with its line', async () => {
    writeConfig('environments:\n  local:\n    database: {\n  bad\n');
    const result = await runCli(['runs'], { env: { DWH_HOME: home } });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/config\/dwh\.yaml: line \d+: invalid YAML/);
  });

  it('reports a missing environment variable reference', async () => {
    writeConfig('environments:\n  local:\n    database:\n      url: ${env:DWH_TEST_UNSET_URL}\n');
    const result = await runCli(['runs'], { env: { DWH_HOME: home } });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /config\/dwh\.yaml: environments\.local\.database\.url: environment variable DWH_TEST_UNSET_URL is not set/,
    );
  });

  it('reads the database URL from a file under config/local/', async () => {
    mkdirSync(path.join(home, 'config', 'local'), { recursive: true });
    writeFileSync(
      path.join(home, 'config', 'local', 'db-url'),
      'postgres://etl:from-file-secret@127.0.0.1:1/x\n',
    );
    writeConfig('environments:\n  local:\n    database:\n      url: ${file:local/db-url}\n');
    const result = await runCli(['runs'], { env: { DWH_HOME: home } });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('cannot connect to postgres://etl:***@127.0.0.1:1/x');
    expect(result.stderr).not.toContain('from-file-secret');
  });
});
