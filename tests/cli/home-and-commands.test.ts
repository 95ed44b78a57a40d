import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { runCli } from '../helpers/cli.js';

vi.setConfig({ testTimeout: 120_000 });

describe('cli: outside any dwh home', () => {
  let dir: string;
  beforeEach(() => {
    // a folder under the system temp folder: neither it nor a parent holds config/dwh.yaml or projects/
    dir = mkdtempSync(path.join(os.tmpdir(), 'dwh-no-home-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it.each([
    ['runs', ['runs']],
    ['list', ['list']],
    ['run', ['run', 'anything']],
    ['sql', ['sql', 'select 1']],
    ['cron', ['cron']],
  ])('%s says no home was found, exits 2 and creates nothing', async (_name, args) => {
    const result = await runCli(args, { cwd: dir });
    expect(result.stderr).toContain(`no dwh home found in ${dir} or any folder above it`);
    expect(result.stderr).toContain("run 'dwh init'");
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(readdirSync(dir)).toEqual([]);
  });

  it('new makes the working directory a home and scaffolds the project there', async () => {
    const result = await runCli(['new', 'sales/orders_daily'], { cwd: dir });
    expect(result.code, result.stderr).toBe(0);
    expect(existsSync(path.join(dir, 'projects', 'sales', 'orders_daily', 'parameters.ts'))).toBe(true);
  });
});

describe('cli: unknown commands', () => {
  it.each([
    ['without --help', ['runz']],
    ['with --help', ['runz', '--help']],
    ['with -h before it', ['-h', 'runz']],
  ])('an unknown command is an error with exit 2 and the nearest known commands (%s)', async (_how, args) => {
    const result = await runCli(args);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("unknown command 'runz'");
    expect(result.stderr).toMatch(/Did you mean one of run, runs\?/);
    expect(result.stdout).not.toContain('Usage: dwh');
  });

  it('an unknown subcommand of a command group is an error too, with or without --help', async () => {
    for (const args of [
      ['airflow', 'generat'],
      ['airflow', 'generat', '--help'],
    ]) {
      const result = await runCli(args);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain("unknown command 'generat'");
      expect(result.stderr).toContain('Did you mean generate?');
    }
  });

  it('--help of a known command still prints its help with exit 0', async () => {
    const result = await runCli(['runs', '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Usage: dwh runs');
    const nested = await runCli(['airflow', 'generate', '--help']);
    expect(nested.code).toBe(0);
    expect(nested.stdout).toContain('Usage: dwh airflow generate');
  });
});
