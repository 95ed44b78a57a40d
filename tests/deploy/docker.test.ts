import { chmodSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import Docker from 'dockerode';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { newProjectFiles } from '../../src/cli/new-project-templates.js';
import { importHostNodeImage } from '../../src/deploy/node-base-image.js';
import { collect, fixtureHome, runCli, type CliResult } from '../helpers/cli.js';
import { createTestDatabase, targetKinds, type TestDatabase } from '../helpers/test-databases.js';
import { createDeployHome, type DeployHome } from './deploy-home.js';

// Each test starts the CLI (and PGlite) several times; on a busy two-core machine that takes minutes.
vi.setConfig({ testTimeout: 300_000 });

// No registry is reachable here: the base image is imported from this machine's node binary.
const BASE_IMAGE = 'dwh-node-base:local';
const IMAGE = 'dwh-docker_demo:latest';

/** Null when a Docker engine answers (DOCKER_HOST or the local socket), else why not. */
async function engineProblem(): Promise<string | null> {
  try {
    await Promise.race([
      new Docker().ping(),
      new Promise((_, reject) => setTimeout(() => reject(new Error('no answer within 5 s')), 5000)),
    ]);
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}

const problem = await engineProblem();
if (problem) {
  console.warn(
    `docker tests SKIPPED: no Docker engine reachable (${problem}); start dockerd or set DOCKER_HOST`,
  );
}

function launch(file: string, args: string[], env: Record<string, string>): Promise<CliResult> {
  const child = spawn(file, args, {
    cwd: '/',
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/', NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return collect(child, 300_000);
}

describe.skipIf(problem !== null)('docker: one image per project, on a real engine', () => {
  const docker = new Docker();
  beforeAll(async () => {
    const images = await docker.listImages({ filters: { reference: [BASE_IMAGE] } });
    if (!images.length) await importHostNodeImage(BASE_IMAGE);
    const built = await runCli(['docker', 'build', 'docker_demo', '--base-image', BASE_IMAGE], {
      env: { DWH_HOME: fixtureHome },
      timeoutMs: 600_000,
    });
    expect(built.stderr).toBe('');
    expect(built.code).toBe(0);
    expect(built.stdout).toContain(`building ${IMAGE} for deploy/docker_demo`);
    expect(built.stdout).toContain(`built ${IMAGE}`);
  }, 600_000);
  afterAll(async () => {
    await docker.getImage(IMAGE).remove({ force: true });
  });

  it('builds an image holding the package, production dependencies and the project, but no config', async () => {
    const info = await docker.getImage(IMAGE).inspect();
    expect(info.Config.Env).toContain('DWH_PROJECT=deploy/docker_demo');
    expect(info.Config.Labels).toMatchObject({ 'org.dwh.project': 'deploy/docker_demo' });
    expect(Object.keys(info.Config.Volumes ?? {})).toEqual(['/opt/dwh/metadata']);
    const probe = `const fs = require('fs'); console.log(JSON.stringify(Object.fromEntries(${JSON.stringify([
      '/opt/dwh/config',
      '/opt/dwh/projects/deploy/docker_demo/parameters.ts',
      '/opt/dwh/dist/cli/main.js',
      '/opt/dwh/node_modules/pg/package.json',
      '/opt/dwh/node_modules/@electric-sql/pglite/package.json',
      '/opt/dwh/node_modules/vitest',
      '/opt/dwh/node_modules/typescript',
    ])}.map((f) => [f, fs.existsSync(f)]))))`;
    const container = await docker.createContainer({ Image: IMAGE, Entrypoint: ['node', '-e', probe] });
    try {
      await container.start();
      expect(await container.wait()).toMatchObject({ StatusCode: 0 });
      const logs = (await container.logs({ stdout: true })).toString('utf8');
      const found = JSON.parse(logs.slice(logs.indexOf('{'))) as Record<string, boolean>;
      expect(found).toEqual({
        '/opt/dwh/config': false,
        '/opt/dwh/projects/deploy/docker_demo/parameters.ts': true,
        '/opt/dwh/dist/cli/main.js': true,
        '/opt/dwh/node_modules/pg/package.json': true,
        '/opt/dwh/node_modules/@electric-sql/pglite/package.json': true,
        '/opt/dwh/node_modules/vitest': false,
        '/opt/dwh/node_modules/typescript': false,
      });
    } finally {
      await container.remove({ force: true });
    }
  });

  it('refuses to run an image that was not built, saying how to build it', async () => {
    const result = await runCli(['docker', 'run', 'docker_demo', '--image', 'dwh-never-built:none'], {
      env: { DWH_HOME: fixtureHome },
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /image dwh-never-built:none not found; build it with: dwh docker build docker_demo/,
    );
  });

  describe.each(targetKinds)('runs (%s)', (kind) => {
    let db: TestDatabase;
    let home: DeployHome;
    beforeEach(async () => {
      db = await createTestDatabase(kind, 'docker');
      home = createDeployHome(['docker_demo']);
    });
    afterEach(async () => {
      home.remove();
      await db.drop();
    });

    async function runsOf(): Promise<Record<string, unknown>[]> {
      const warehouse = await db.open();
      try {
        return await warehouse.query(
          `select status, number_of_records, script_version, load_type, error_message, backfill_id,
             to_char(start_load_date at time zone 'UTC', 'YYYY-MM-DD') as start,
             to_char(end_load_date at time zone 'UTC', 'YYYY-MM-DD') as end
           from dwh.etl_runs where project_name = 'docker_demo' order by run_id`,
        );
      } finally {
        await warehouse.close();
      }
    }

    it('runs the project in its container, streams its logs and records the run in etl_runs', async () => {
      const result = await runCli(
        ['docker', 'run', 'docker_demo', '--', '--start-date', '2026-01-01', '--end-date', '2026-01-03'],
        { env: { DWH_HOME: fixtureHome, ...db.env }, timeoutMs: 180_000 },
      );
      expect(result.code).toBe(0);
      expect(result.stderr).toMatch(
        /container [0-9a-f]{12} of dwh-docker_demo:latest: dwh-entrypoint --start-date/,
      );
      expect(result.stdout).toContain('[load] loaded 2 day(s) inside /opt/dwh');
      expect(result.stdout).toMatch(/run 1: SUCCESS — 2 records/);
      expect(await runsOf()).toEqual([
        {
          status: 'success',
          number_of_records: 2,
          script_version: '2.1.0',
          load_type: 'I',
          error_message: null,
          backfill_id: null,
          start: '2026-01-01',
          end: '2026-01-03',
        },
      ]);
    });

    it("returns the container's exit code: a failed run exits 1", async () => {
      const result = await runCli(
        [
          'docker',
          'run',
          'docker_demo',
          '--env-var',
          'DWH_TEST_FAIL=1',
          '--',
          '-s',
          '2026-01-01',
          '-e',
          '2026-01-02',
        ],
        { env: { DWH_HOME: fixtureHome, ...db.env }, timeoutMs: 180_000 },
      );
      expect(result.code).toBe(1);
      const [run] = await runsOf();
      expect(run).toMatchObject({ status: 'failed' });
      expect(String(run!.error_message)).toMatch(/failing on purpose \(DWH_TEST_FAIL=1\)/);
    });

    it('run_docker.sh backfills through the image', async () => {
      const launcher = path.join(home.projectDir('docker_demo'), 'run_docker.sh');
      writeFileSync(launcher, newProjectFiles('deploy', 'docker_demo', new Date())['run_docker.sh']!);
      chmodSync(launcher, 0o755);
      const result = await launch(
        launcher,
        ['backfill', '--start-date', '2026-01-05', '--end-date', '2026-01-07'],
        db.env,
      );
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(
        /run_docker\.sh: docker backfill deploy\/docker_demo --start-date 2026-01-05/,
      );
      expect(result.stdout).toMatch(/SUCCESS — 2\/2 window\(s\) successful/);
      expect(result.stdout).toMatch(/finished with exit code 0 \(success\)/);
      const runs = await runsOf();
      expect(runs.map((r) => [r.start, r.status, r.backfill_id === null])).toEqual([
        ['2026-01-05', 'success', false],
        ['2026-01-06', 'success', false],
      ]);
    });
  });
});
