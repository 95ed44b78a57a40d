import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunRow } from '../../src/audit/run-store.js';
import type { AttemptRow } from '../../src/audit/task-run-store.js';
import { get, startTestDashboard } from '../monitor/dashboard-fixture.js';
import { collect, fixtureHome, runCli, startCli } from '../helpers/cli.js';
import { auditOf, runFixture } from '../helpers/run-fixture.js';
import { createTestDatabase, targetKinds, type TestDatabase } from '../helpers/test-databases.js';

type RunJson = RunRow & { attempts: AttemptRow[] };

const SENSORS = [
  'file_in_dir',
  'file_in_connector',
  'sql_warehouse',
  'sql_connector',
  'fresh_connector',
  'fresh_warehouse',
  'upstream_loaded',
  'api_ready',
  'custom',
];
const full = ['-l', 'F', '--end-date', '2026-01-03'];
const window = { loadType: 'F' as const, endDate: new Date('2026-01-03T00:00:00Z') };

// The fixture factory reads where to look when it is first imported, and the API runs import it in this
// process: the folders and the server are the same for every database of the file (emptied in between).
const folders = mkdtempSync(path.join(os.tmpdir(), 'dwh-sensors-'));
const dir = path.join(folders, 'dir');
const landing = path.join(folders, 'landing');
process.env.DWH_TEST_SENSOR_DIR = dir;

/** A real HTTP server: the first `failFirst` requests answer 503, then every one answers `status`. */
const api = { status: 503, failFirst: 0, requests: 0 };
let server: Server;
let url: string;

beforeAll(async () => {
  server = createServer((_request, response) => {
    api.requests += 1;
    response.statusCode = api.requests <= api.failFirst ? 503 : api.status;
    response.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/ready`;
  process.env.DWH_TEST_SENSOR_URL = url;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  rmSync(folders, { recursive: true, force: true });
  delete process.env.DWH_TEST_SENSOR_DIR;
  delete process.env.DWH_TEST_SENSOR_URL;
});

describe.each(targetKinds)('sensors: every kind waits for the real thing (%s)', (kind) => {
  let db: TestDatabase;
  let env: Record<string, string>;
  beforeAll(async () => {
    db = await createTestDatabase(kind, 'sensors');
    for (const folder of [dir, landing]) {
      rmSync(folder, { recursive: true, force: true });
      mkdirSync(folder, { recursive: true });
    }
    env = {
      ...db.env,
      DWH_HOME: fixtureHome,
      DWH_ENV: 'sensors',
      DWH_TEST_SENSOR_LANDING: landing,
      // the postgres connector reads the test's own database, on the same server
      DWH_TEST_SENSOR_PG_URL: db.url!,
      DWH_TEST_SENSOR_DIR: dir,
      DWH_TEST_SENSOR_URL: url,
    };
    await sql(
      `create table sensor_flags (day date, ready boolean);
       insert into sensor_flags values ('2026-01-01', true);
       create table sensor_source (ordered_at timestamptz);
       insert into sensor_source values ('2025-12-31T10:00:00Z');`,
    );
  });
  afterAll(async () => {
    await db.drop();
  });

  async function sql(text: string): Promise<void> {
    const warehouse = await db.open();
    try {
      for (const statement of text.split(';').filter((s) => s.trim())) await warehouse.query(statement);
    } finally {
      await warehouse.close();
    }
  }

  async function lastRun(): Promise<RunJson> {
    const runs = await runCli(['runs', 'sensor_watch', '--json', '-n', '1'], { env });
    return (JSON.parse(runs.stdout) as RunJson[])[0]!;
  }

  const attemptsOf = (run: RunJson, task: string) => run.attempts.filter((a) => a.task_name === task);

  it('times out when what it waits for is missing: failed, not retried, with its pokes recorded (CLI)', async () => {
    writeFileSync(path.join(dir, 'orders_0.csv'), ''); // matches the glob, but is below minBytes
    Object.assign(api, { status: 503, failFirst: 0, requests: 0 });
    const result = await runCli(['run', 'sensor_watch', ...full], { env });
    expect(result.code, result.stderr).toBe(1);
    const run = await lastRun();
    expect(run.status).toBe('failed');
    expect(run.error_message).toMatch(/^task 'file_in_dir': sensor 'file_in_dir' timed out after 1\.50 s/);
    const last: Record<string, string> = {
      file_in_dir: 'last: 1 file(s) match orders_*.csv, none ready: orders_0.csv has 0 bytes (minBytes 10))',
      file_in_connector: "last: no file matches ready.flag in the folder of connector 'landing')",
      sql_warehouse: 'last: the query returned no row)',
      // a bigint count from node-postgres: the string '0' is not "done"
      sql_connector: 'last: the query returned "0")',
      fresh_connector:
        "last: sensor_source.ordered_at (connector 'sensor_pg') max date 2025-12-31T10:00:00.000Z, before 2026-01-03T00:00:00.000Z)",
      fresh_warehouse: 'last: the source max date 2026-01-01T00:00:00.000Z, before 2026-01-02T00:00:00.000Z)',
      upstream_loaded: "last: project 'sensor_upstream' has no successful full run yet)",
      api_ready: `last: GET ${url} answered 503 Service Unavailable)`,
      custom: 'last: 1 ready flag(s))',
    };
    for (const task of SENSORS) {
      const attempts = attemptsOf(run, task);
      // retries: 2 in the project, and the project's 500 ms attempt timeout: neither applies to the wait
      expect(
        attempts.map((a) => a.status),
        task,
      ).toEqual(['failed']);
      const [attempt] = attempts;
      expect(attempt!.error_message, task).toMatch(
        new RegExp(`^sensor '${task}' timed out after 1\\.50 s waiting for .+ \\(${attempt!.pokes} pokes, `),
      );
      expect(attempt!.error_message, task).toContain(last[task]);
      // a poke every 100 ms for 1.5 s, the last one at the timeout
      expect(attempt!.pokes, task).toBeGreaterThanOrEqual(5);
      expect(attempt!.pokes, task).toBeLessThanOrEqual(16);
    }
    expect(attemptsOf(run, 'load').map((a) => a.status)).toEqual(['upstream_failed']);
    expect(result.stdout.match(/^ +sensor: \d+ pokes$/gm)).toHaveLength(SENSORS.length);
  });

  it('an interrupt ends the wait at once: the sensor fails with the signal, its pokes so far recorded', async () => {
    const child = startCli(['run', 'sensor_watch', ...full, '--tasks', 'file_in_connector'], { env });
    await new Promise<void>((resolve, reject) => {
      let output = '';
      const seen = (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('sensor: waiting up to')) resolve();
      };
      child.stdout!.on('data', seen);
      child.stderr!.on('data', seen);
      child.once('close', () => reject(new Error(`dwh ended before its sensor waited:\n${output}`)));
    });
    child.kill('SIGTERM');
    expect((await collect(child, 30_000)).code).toBe(1);
    const run = await lastRun();
    expect(run.error_message).toMatch(/received SIGTERM/);
    const [attempt, ...more] = attemptsOf(run, 'file_in_connector');
    expect([attempt!.status, more.length]).toEqual(['failed', 0]);
    expect(attempt!.pokes).toBeGreaterThanOrEqual(1);
    // well before the sensor's 1.5 s timeout
    const waited = Date.parse(String(attempt!.ended_at)) - Date.parse(String(attempt!.started_at));
    expect(waited).toBeLessThan(1000);
  });

  it("a project sensor waits until the other project's successful full runs cover the window, chained too (API)", async () => {
    // sensor_upstream runs for real: its etl_runs rows are what the sensor reads
    const first = await runFixture(db, 'sensor_upstream', {
      loadType: 'F',
      endDate: new Date('2026-01-02T00:00:00Z'),
    });
    expect(first.status, first.error ?? '').toBe('success');
    const short = await runFixture(db, 'sensor_watch', { ...window, env, tasks: ['upstream_loaded'] });
    expect(short.status).toBe('failed');
    const waited = short.result!.tasks.find((t) => t.name === 'upstream_loaded')!;
    expect(waited.error).toContain(
      "last: the successful full runs of 'sensor_upstream' reach 2026-01-02T00:00:00.000Z, not the window end 2026-01-03T00:00:00.000Z",
    );
    expect(waited.pokes).toBeGreaterThanOrEqual(5);

    // the next day, as an incremental run would load it: the two windows together cover the run's
    const second = await runFixture(db, 'sensor_upstream', {
      startDate: new Date('2026-01-02T00:00:00Z'),
      endDate: new Date('2026-01-03T00:00:00Z'),
    });
    expect(second.status, second.error ?? '').toBe('success');
    const covered = await runFixture(db, 'sensor_watch', { ...window, env, tasks: ['upstream_loaded'] });
    expect(covered.status, covered.error ?? '').toBe('success');
    expect(covered.result!.tasks[0]).toMatchObject({ name: 'upstream_loaded', status: 'success', pokes: 1 });
    const { attempts } = await auditOf(db, covered.runId!);
    expect(attempts.map((a) => [a.task_name, a.status, a.pokes])).toEqual([
      ['upstream_loaded', 'success', 1],
    ]);
  });

  it('succeeds once what it waits for is there, its pokes in the summary, dwh runs and the dashboard (CLI)', async () => {
    await sql(
      `insert into sensor_flags values ('2026-01-02', true);
       insert into sensor_source values ('2026-01-01T10:00:00Z'), ('2026-01-03T01:00:00Z');`,
    );
    writeFileSync(path.join(dir, 'orders_1.csv'), 'id,amount\n1,10\n');
    writeFileSync(path.join(landing, 'ready.flag'), '');
    // the server answers 503 twice more, then 200: the HTTP sensor pokes three times
    Object.assign(api, { status: 200, failFirst: 2, requests: 0 });
    const result = await runCli(['run', 'sensor_watch', ...full], { env });
    expect(result.code, result.stdout + result.stderr).toBe(0);
    const run = await lastRun();
    expect([run.status, run.run_kind]).toEqual(['success', 'full']);
    for (const task of SENSORS) {
      const [attempt, ...more] = attemptsOf(run, task);
      expect([attempt!.status, more.length], task).toEqual(['success', 0]);
      expect(attempt!.pokes, task).toBeGreaterThanOrEqual(1);
    }
    expect(attemptsOf(run, 'api_ready')[0]!.pokes).toBe(3);
    expect(attemptsOf(run, 'load')[0]).toMatchObject({ status: 'success', pokes: null });
    expect(result.stdout).toMatch(/^ +api_ready +success .*\n +sensor: 3 pokes$/m);

    const runs = await runCli(['runs', 'sensor_watch', '-n', '1', '-a'], { env });
    expect(runs.stdout).toMatch(/api_ready #1 success [^,]+, 0 records, 3 pokes/);
    expect(runs.stdout).toMatch(/load #1 success [^,]+, 1 records\n/);

    const dashboard = await startTestDashboard({ ...db, env });
    try {
      const page = await get(dashboard, `/runs/${run.run_id}`);
      expect(page.body).toMatch(/<th class="num">pokes<\/th>/);
      const data = JSON.parse((await get(dashboard, `/api/runs/${run.run_id}`)).body) as {
        attempts: { task: string; pokes: number | null }[];
      };
      expect(data.attempts.find((a) => a.task === 'api_ready')!.pokes).toBe(3);
      expect(data.attempts.find((a) => a.task === 'load')!.pokes).toBeNull();
    } finally {
      await dashboard.close();
    }
  });

  it('succeeds through the public API', async () => {
    Object.assign(api, { status: 200, failFirst: 0, requests: 0 });
    const report = await runFixture(db, 'sensor_watch', { ...window, env });
    expect(report.status, report.error ?? '').toBe('success');
    for (const task of SENSORS)
      expect(
        report.result!.tasks.find((t) => t.name === task),
        task,
      ).toMatchObject({
        status: 'success',
        pokes: 1,
      });
  });

  it('a file sensor takes a file only once it has stopped changing (stableForMs)', async () => {
    rmSync(path.join(dir, 'orders_1.csv'));
    const growing = path.join(dir, 'orders_2.csv');
    writeFileSync(growing, 'id,amount\n');
    const writer = setInterval(() => appendFileSync(growing, '1,10\n'), 40);
    // the producer finishes 600 ms into the run; 200 ms later the file counts as stable
    const stop = setTimeout(() => clearInterval(writer), 600);
    try {
      const report = await runFixture(db, 'sensor_watch', { ...window, env, tasks: ['file_in_dir'] });
      expect(report.status, report.error ?? '').toBe('success');
      expect(report.result!.tasks[0]!.pokes).toBeGreaterThanOrEqual(3);
    } finally {
      clearInterval(writer);
      clearTimeout(stop);
    }
  });
});
