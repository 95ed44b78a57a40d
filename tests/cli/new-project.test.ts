import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { firstLoadStart } from '../../src/cli/new-project-templates.js';
import { stopEmbeddedServer } from '../../src/db/embedded-server.js';
import { repoRoot, runCli } from '../helpers/cli.js';

const exec = promisify(execFile);

/**
 * A user's own repository with dwh installed as a dependency (node_modules/dwh → this package), where
 * `dwh init` and `dwh new` create everything and the generated launcher runs the project.
 */
describe('cli: init, new and the generated launchers', () => {
  let home: string;
  let env: Record<string, string>;
  beforeAll(() => {
    home = mkdtempSync(path.join(os.tmpdir(), 'dwh-user-'));
    // the embedded server runs as another OS account when the tests run as root
    chmodSync(home, 0o755);
    mkdirSync(path.join(home, 'node_modules', '.bin'), { recursive: true });
    symlinkSync(repoRoot, path.join(home, 'node_modules', 'dwh'));
    symlinkSync('../dwh/dist/cli/main.js', path.join(home, 'node_modules', '.bin', 'dwh'));
    env = { DWH_HOME: home };
  });
  afterAll(async () => {
    await stopEmbeddedServer(path.join(home, 'metadata', 'postgres'));
    rmSync(home, { recursive: true, force: true });
  });

  it('init writes config/dwh.yaml and creates the audit schema in the embedded server it starts', async () => {
    const result = await runCli(['init'], { env, cwd: home });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/created config\/dwh\.yaml/);
    expect(result.stdout).toMatch(
      /audit schema dwh ready in embedded PostgreSQL 18 server in metadata\/postgres \(127\.0\.0\.1:\d+\) \(env local\): (\d+)\/\1 migrations applied/,
    );
    expect(readFileSync(path.join(home, 'config', 'dwh.yaml'), 'utf8')).toContain(
      'defaultEnvironment: local',
    );
  });

  it('new scaffolds a project with parameters, factory, worker, SQL, metadata and launchers', async () => {
    const result = await runCli(['new', 'acme/orders_daily'], { env, cwd: home });
    expect(result.code, result.stderr).toBe(0);
    const dir = path.join(home, 'projects', 'acme', 'orders_daily');
    for (const file of [
      'parameters.ts',
      'factory.ts',
      'worker.ts',
      'alter_tables.sql',
      'queries/load_days.sql',
      'run.sh',
      'run.bat',
    ]) {
      expect(existsSync(path.join(dir, file)), file).toBe(true);
    }
  });

  it("new's printed next step works on the day it is created, the 1st of a month included", async () => {
    const created = await runCli(['new', 'acme/first_window'], { env, cwd: home });
    const next = /next: npx dwh (.+)\n/.exec(created.stdout)![1]!.split(' ');
    expect(next).toEqual(['run', 'acme/first_window', '--dry-run']);
    const result = await runCli(next, { env, cwd: home });
    expect(result.stderr).not.toContain('empty load window');
    expect(result.code, result.stderr).toBe(0);
    rmSync(path.join(home, 'projects', 'acme', 'first_window'), { recursive: true, force: true });
  });

  it('refuses a bad name and an existing project', async () => {
    const bad = await runCli(['new', 'Acme/Orders'], { env, cwd: home });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/'Acme\/Orders' must be <group>\/<name>/);
    const again = await runCli(['new', 'other/orders_daily'], { env, cwd: home });
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/a project named 'orders_daily' already exists in acme\/orders_daily/);
  });

  it('run.sh passes its arguments to dwh run and returns its exit code', async () => {
    const launcher = path.join(home, 'projects', 'acme', 'orders_daily', 'run.sh');
    const ok = await exec('sh', [launcher, '--start-date', '2026-10-01', '--end-date', '2026-10-08'], {
      env: { ...process.env, ...env, NO_COLOR: '1' },
    });
    expect(ok.stdout).toMatch(/run \d+: SUCCESS — 7 records/);
    expect(ok.stdout).toContain('finished with exit code 0');

    const failed = await exec('sh', [launcher, '--load-type', 'X'], {
      env: { ...process.env, ...env },
    }).catch((error: { code: number; stdout: string }) => error);
    expect('code' in failed && failed.code).toBe(2);

    const rows = await runCli(['sql', 'select count(*) as n from orders_daily', '--json'], {
      env,
      cwd: home,
    });
    expect(JSON.parse(rows.stdout)).toEqual([{ n: 7 }]);
    const outputs = path.join(home, 'metadata', 'orders_daily', 'output');
    expect(existsSync(outputs)).toBe(true);
  });

  it('run.bat passes its arguments through and returns the exit code', () => {
    const bat = readFileSync(path.join(home, 'projects', 'acme', 'orders_daily', 'run.bat'), 'utf8');
    expect(bat).toContain('set "PROJECT=acme/orders_daily"');
    expect(bat).toContain('set ARGS=%ARGS% %1');
    expect(bat).toContain('exit /b %STATUS%');
    expect(bat).toContain('\r\n');
  });
});

describe('cli: new scaffolds a first load window that is never empty', () => {
  it.each([
    ['the 1st of a month, just after midnight', '2026-12-01T00:05:00Z', '2026-11-01'],
    ['the 1st of January', '2027-01-01T12:00:00Z', '2026-12-01'],
    ['the last day of a month', '2026-03-31T23:59:00Z', '2026-02-01'],
    ['a day in the middle of a month', '2026-05-17T08:00:00Z', '2026-04-01'],
  ])('on %s fullLoadStartDate is the 1st of the previous month', (_when, now, start) => {
    const today = new Date(now);
    expect(firstLoadStart(today)).toBe(start);
    // the first window [fullLoadStartDate, today at midnight UTC) holds at least 28 days
    const windowEnd = Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate());
    expect((windowEnd - Date.parse(`${start}T00:00:00Z`)) / 86_400_000).toBeGreaterThanOrEqual(28);
  });
});
