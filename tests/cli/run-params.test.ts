import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunRow } from '../../src/audit/run-store.js';
import { fixtureHome, runCli } from '../helpers/cli.js';
import { auditOf, runFixture } from '../helpers/run-fixture.js';
import { createTestDatabase, targetKinds, type TestDatabase } from '../helpers/test-databases.js';

const parametersFile = 'projects/semantics/run_params/parameters.ts';
const full = ['-l', 'F', '--end-date', '2026-01-03'];

describe.each(targetKinds)('run parameters: --param and ctx.params (%s)', (kind) => {
  let db: TestDatabase;
  let env: Record<string, string>;
  let dir: string;
  let out: string;
  beforeAll(async () => {
    db = await createTestDatabase(kind, 'run-params');
    dir = mkdtempSync(path.join(os.tmpdir(), 'dwh-params-'));
    out = path.join(dir, 'seen.jsonl');
    env = { ...db.env, DWH_HOME: fixtureHome, DWH_TEST_PARAMS_OUT: out };
  });
  afterAll(async () => {
    await db.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  const seen = () =>
    readFileSync(out, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  const runs = async () =>
    JSON.parse((await runCli(['runs', 'run_params', '--json'], { env })).stdout) as RunRow[];
  const lastRun = async () => (await runs())[0]!;

  it('the defaults reach ctx.params and are stored in etl_runs.parameters', async () => {
    rmSync(out, { force: true });
    const result = await runCli(['run', 'run_params', ...full], { env });
    expect(result.code, result.stderr).toBe(0);
    expect(seen()).toEqual([
      { window: '2026-01-01T00:00:00.000Z', country: 'NL', limit: 100, dryRun: false },
    ]);
    const run = await lastRun();
    // the secret-looking key is masked; the schema itself (code) is not recorded
    expect(run.parameters.params).toEqual({ country: 'NL', limit: 100, dryRun: false, apiToken: '***' });
    expect(run.parameters.name).toBe('run_params');
  });

  it('--param overrides them, parsed by the schema (coerced numbers and booleans)', async () => {
    rmSync(out, { force: true });
    const args = ['--param', 'country=be', '--param', 'limit=7', '--param', 'dryRun=true'];
    const result = await runCli(['run', 'run_params', ...full, ...args], { env });
    expect(result.code, result.stderr).toBe(0);
    expect(seen()).toEqual([{ window: '2026-01-01T00:00:00.000Z', country: 'BE', limit: 7, dryRun: true }]);
    expect((await lastRun()).parameters.params).toMatchObject({ country: 'be', limit: 7, dryRun: true });
  });

  it('an unknown key or a bad value is exit 2 naming the file, the key and the value; nothing runs', async () => {
    const before = (await runs()).length;
    const unknown = await runCli(['run', 'run_params', ...full, '--param', 'contry=BE'], { env });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain(
      `${parametersFile}: params.contry: unknown run parameter (did you mean 'country'?); known: country, limit, dryRun, apiToken (got "BE")`,
    );
    const bad = await runCli(['run', 'run_params', ...full, '--param', 'limit=lots'], { env });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(`${parametersFile}: params.limit:`);
    expect(bad.stderr).toContain('(got "lots")');
    const malformed = await runCli(['run', 'run_params', ...full, '--param', 'limit'], { env });
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toContain("--param: 'limit' is not name=value");
    expect((await runs()).length).toBe(before);
  });

  it('a project without params refuses any --param', async () => {
    const result = await runCli(['run', 'short_circuit', ...full, '--param', 'x=1'], { env });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      'projects/semantics/short_circuit/parameters.ts: params.x: unknown run parameter: the project declares no params (got "1")',
    );
  });

  it('a default that is not JSON is rejected when the project loads', async () => {
    const result = await runCli(['validate', 'bad_param_default'], { env });
    expect(result.code).toBe(2);
    expect(`${result.stderr}${result.stdout}`).toContain(
      'projects/broken/bad_param_default/parameters.ts: params.since: the default is not JSON: a Date',
    );
  });

  it('runProject({ params }) validates and passes them too', async () => {
    rmSync(out, { force: true });
    const saved = process.env.DWH_TEST_PARAMS_OUT;
    process.env.DWH_TEST_PARAMS_OUT = out;
    try {
      const report = await runFixture(db, 'run_params', {
        loadType: 'F',
        endDate: new Date('2026-01-03'),
        params: { limit: 3 },
      });
      expect(report.status).toBe('success');
      expect(seen()).toEqual([
        { window: '2026-01-01T00:00:00.000Z', country: 'NL', limit: 3, dryRun: false },
      ]);
      const { run } = await auditOf(db, report.runId!);
      expect(run.parameters.params).toMatchObject({ limit: 3 });
      await expect(
        runFixture(db, 'run_params', {
          loadType: 'F',
          endDate: new Date('2026-01-03'),
          params: { limit: 1.5 },
        }),
      ).rejects.toThrow(/params\.limit: .*\(got 1\.5\)/);
    } finally {
      if (saved === undefined) delete process.env.DWH_TEST_PARAMS_OUT;
      else process.env.DWH_TEST_PARAMS_OUT = saved;
    }
  });

  it('dwh backfill --param gives them to every window', async () => {
    rmSync(out, { force: true });
    const result = await runCli(
      ['backfill', 'run_params', '-s', '2026-02-01', '-e', '2026-02-03', '--param', 'country=de'],
      { env },
    );
    expect(result.code, result.stderr).toBe(0);
    expect(seen().map((s) => [s.window, s.country])).toEqual([
      ['2026-02-01T00:00:00.000Z', 'DE'],
      ['2026-02-02T00:00:00.000Z', 'DE'],
    ]);
  });
});
