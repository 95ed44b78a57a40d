import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureHome, runCli } from '../helpers/cli.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-databases.js';

interface ListRow {
  project: string;
  version: string;
  tasks?: number | null;
  target: string;
  description: string;
}

/** The stderr summary counts exactly the rows shown with an error (other fixture groups break on purpose too). */
const failedCount = (stdout: string) =>
  (JSON.parse(stdout) as ListRow[]).filter((row) => /^ERROR: /.test(row.description)).length;

const listRow = (stdout: string, project: string) =>
  (JSON.parse(stdout) as ListRow[]).find((row) => row.project === project);

describe('cli: project files share the one dwh library the CLI runs', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase('pglite', 'startup-one-library');
  });
  afterAll(async () => {
    await db.drop();
  });

  it('an error dwh throws in a task is instanceof the class the project imports from dwh', async () => {
    const result = await runCli(['run', 'startup_one_library'], {
      env: { ...db.env, DWH_HOME: fixtureHome },
    });
    expect(result.stdout + result.stderr).not.toMatch(/not the ConfigError of 'dwh'/);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toMatch(/ctx\.connector\(\) threw the ConfigError of 'dwh'/);
  });

  describe('in a user repository without "type": "module" whose node_modules holds another dwh', () => {
    let home: string;
    beforeAll(() => {
      home = mkdtempSync(path.join(os.tmpdir(), 'dwh-cjs-repo-'));
      writeFileSync(path.join(home, 'package.json'), '{ "name": "acme-etl", "private": true }\n');
      // another copy of dwh, as an older install would be: project files must not get it
      const other = path.join(home, 'node_modules', 'dwh');
      mkdirSync(other, { recursive: true });
      writeFileSync(
        path.join(other, 'package.json'),
        '{ "name": "dwh", "version": "0.0.1", "exports": { ".": "./index.js" } }\n',
      );
      writeFileSync(path.join(other, 'index.js'), "throw new Error('the other copy of dwh was loaded');\n");
      cpSync(
        path.join(fixtureHome, 'projects', 'startup', 'startup_one_library'),
        path.join(home, 'projects', 'startup', 'startup_one_library'),
        { recursive: true },
      );
    });
    afterAll(() => rmSync(home, { recursive: true, force: true }));

    it('runs and lists its projects with the running library', async () => {
      const env = { ...db.env, DWH_HOME: home };
      const run = await runCli(['run', 'startup_one_library', '-l', 'F'], { env, cwd: home });
      expect(run.stdout + run.stderr).not.toMatch(/other copy of dwh/);
      expect(run.code, run.stdout + run.stderr).toBe(0);
      const list = await runCli(['list', '--tasks', '--json'], { env, cwd: home });
      expect(list.code, list.stderr).toBe(0);
      expect(listRow(list.stdout, 'startup/startup_one_library')).toMatchObject({
        version: '1.0.0',
        tasks: 1,
      });
    });
  });
});

describe('cli: list reads parameters.ts only', () => {
  const env = { DWH_HOME: fixtureHome };

  it('lists a project whose factory.ts throws at import from its parameters', async () => {
    const result = await runCli(['list', '--json'], { env });
    const throwsOnLoad = listRow(result.stdout, 'broken/throws_on_load');
    expect(throwsOnLoad).toMatchObject({ version: '1.0.0', target: 'public.throws_on_load' });
    expect(throwsOnLoad!.description).not.toMatch(/ERROR/);
    expect(throwsOnLoad).not.toHaveProperty('tasks');
    expect(listRow(result.stdout, 'broken/cycle')).toMatchObject({
      version: '1.0.0',
      target: 'public.cycle',
    });
    // invalid parameters are still an error of the listing
    expect(listRow(result.stdout, 'broken/bad_params')!.description).toMatch(
      /^ERROR: projects\/broken\/bad_params\/parameters\.ts: lookbackDays: /,
    );
    expect(result.stderr).toContain(`${failedCount(result.stdout)} project(s) failed to load`);
    expect(result.code).toBe(2);
  });

  it('--tasks loads each factory: its task count, and the error of a factory that does not load', async () => {
    const result = await runCli(['list', '--tasks', '--json'], { env });
    expect(listRow(result.stdout, 'runner/ordering')).toMatchObject({ version: '1.0.0', tasks: 7 });
    expect(listRow(result.stdout, 'broken/throws_on_load')).toMatchObject({
      tasks: null,
      description:
        'ERROR: projects/broken/throws_on_load/factory.ts: failed to load: factory exploded while loading',
    });
    expect(listRow(result.stdout, 'broken/cycle')!.description).toMatch(/^ERROR: .*dependency cycle/);
    expect(failedCount(result.stdout)).toBeGreaterThanOrEqual(4);
    expect(result.stderr).toContain(`${failedCount(result.stdout)} project(s) failed to load`);
    expect(result.code).toBe(2);
  });
});
