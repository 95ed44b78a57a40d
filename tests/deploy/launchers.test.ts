import { accessSync, constants, readFileSync } from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { newProjectFiles } from '../../src/cli/new-project-templates.js';
import { collect, runCli, type CliResult } from '../helpers/cli.js';
import { createTestDatabase, targetKinds, type TestDatabase } from '../helpers/test-databases.js';
import { createDeployHome, type DeployHome } from './deploy-home.js';

// Each test starts the CLI (and PGlite) several times; on a busy two-core machine that takes minutes.
vi.setConfig({ testTimeout: 300_000 });

/** Runs a launcher the way a user does: by its path, from anywhere, with the user's environment. */
function launch(file: string, args: string[], env: Record<string, string>): Promise<CliResult> {
  const child = spawn(file, args, {
    cwd: '/',
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/', NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return collect(child, 180_000);
}

describe.each(targetKinds)('launchers: run.sh (%s)', (kind) => {
  let db: TestDatabase;
  let home: DeployHome;
  let launcher: string;
  beforeAll(async () => {
    db = await createTestDatabase(kind, 'launchers');
    home = createDeployHome([]);
    const created = await runCli(['new', 'sales/orders_daily'], { env: { DWH_HOME: home.dir } });
    expect(created.code).toBe(0);
    launcher = path.join(home.dir, 'projects', 'sales', 'orders_daily', 'run.sh');
  });
  afterAll(async () => {
    home.remove();
    await db.drop();
  });

  it('is written executable next to run_docker.sh, run.bat and run_docker.bat', () => {
    const dir = path.dirname(launcher);
    for (const file of ['run.sh', 'run_docker.sh']) accessSync(path.join(dir, file), constants.X_OK);
    for (const file of ['run.bat', 'run_docker.bat'])
      expect(readFileSync(path.join(dir, file), 'utf8')).toMatch(/^@echo off\r\n/);
  });

  it('runs the project with the options it is given, echoing the command and the outcome', async () => {
    const result = await launch(launcher, ['--start-date', '2026-01-01', '--end-date', '2026-01-04'], db.env);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      /run\.sh: run sales\/orders_daily --start-date 2026-01-01 --end-date 2026-01-04 \(environment local\)/,
    );
    expect(result.stdout).toMatch(/run 1: SUCCESS — 3 records/);
    expect(result.stdout).toMatch(/run\.sh: finished with exit code 0 \(success\)$/m);
  });

  it('passes the load type through and the environment variables on', async () => {
    const result = await launch(
      launcher,
      ['--load-type', 'F', '--start-date', '2026-03-01', '--end-date', '2026-03-03'],
      {
        ...db.env,
        DWH_ENV: 'override',
      },
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/\(environment override\)/);
    expect(result.stdout).toMatch(/env override, load type F, window 2026-03-01T00:00:00.000Z → 2026-03-03/);
  });

  it('runs a backfill in backfill mode', async () => {
    const result = await launch(
      launcher,
      ['backfill', '--start-date', '2026-02-01', '--end-date', '2026-02-05', '--load-days', '2'],
      db.env,
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/run\.sh: backfill sales\/orders_daily --start-date 2026-02-01/);
    expect(result.stdout).toMatch(/SUCCESS — 2\/2 window\(s\) successful/);
  });

  it("returns dwh's exit code and says what it means", async () => {
    const bad = await launch(launcher, ['--load-type', 'X'], db.env);
    expect(bad.code).toBe(2);
    expect(bad.stdout).toMatch(/finished with exit code 2 \(bad usage or configuration\)/);
    const missing = await launch(launcher, [], { ...db.env, DWH_CLI: '/nonexistent/dwh' });
    expect(missing.code).toBe(127);
    expect(missing.stdout).toMatch(/exit code 127 \(dwh could not be started/);
  });
});

describe('launchers: content of the generated files', () => {
  const files = newProjectFiles('sales', 'orders_daily', new Date('2026-05-17T00:00:00Z'));

  it('run_docker.sh builds, runs and backfills through dwh docker', () => {
    const text = files['run_docker.sh']!;
    expect(text).toMatch(/^#!\/usr\/bin\/env sh\n/);
    expect(text).toContain('$DWH docker build "$project" ${DWH_IMAGE:+--tag "$DWH_IMAGE"} "$@"');
    expect(text).toContain('$DWH docker run "$project" ${DWH_IMAGE:+--image "$DWH_IMAGE"} -- backfill "$@"');
    expect(text).toContain('$DWH docker run "$project" ${DWH_IMAGE:+--image "$DWH_IMAGE"} -- "$@"');
    expect(text).toContain('exit $status');
  });

  it.each(['run.bat', 'run_docker.bat'])(
    '%s has the same modes, CRLF lines and returns the exit code',
    (file) => {
      const text = files[file]!;
      expect(text.split('\r\n').length).toBe(text.split('\n').length);
      expect(text).toContain('set "PROJECT=sales/orders_daily"');
      expect(text).toContain('cd /d "%~dp0..\\..\\.." || (echo');
      expect(text).toContain('if /i "%~1"=="backfill" (set "MODE=backfill" & shift)');
      expect(text).toContain(
        'if "%DWH_CLI%"=="" (set "DWH=npx --no-install dwh") else (set "DWH=%DWH_CLI%")',
      );
      expect(text).toContain('set "STATUS=%ERRORLEVEL%"');
      expect(text).toMatch(/exit \/b %STATUS%\r\n$/);
      if (file === 'run.bat') expect(text).toContain('call %DWH% %MODE% %PROJECT% %ARGS%');
      else {
        expect(text).toContain('call %DWH% docker run %PROJECT% %IMAGE_RUN% -- backfill %ARGS%');
        expect(text).toContain('call %DWH% docker build %PROJECT% %IMAGE_TAG% %ARGS%');
      }
    },
  );
});
