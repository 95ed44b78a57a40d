import type { ChildProcess } from 'node:child_process';
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunRow } from '../../src/audit/run-store.js';
import { stopEmbeddedServer } from '../../src/db/embedded-server.js';
import { collect, fixtureHome, runCli, startCli } from '../helpers/cli.js';

/**
 * The real default path: no database URL, so the first command creates the embedded server in
 * <metadata>/postgres and starts it; it keeps running between commands. Each test has a metadata folder (so a
 * server) of its own.
 */
describe('embedded server: created and started on demand, left running, found again', () => {
  let root: string;
  let metadata: string;
  let env: Record<string, string>;
  const children: ChildProcess[] = [];
  const folders: string[] = [];

  const newHome = () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'dwh-embedded-'));
    // the server runs as another OS account when the tests run as root
    chmodSync(dir, 0o755);
    folders.push(dir);
    return dir;
  };
  const state = (meta = metadata) =>
    JSON.parse(readFileSync(path.join(meta, 'postgres', 'state.json'), 'utf8')) as {
      port: number;
      dataDir: string;
    };
  const postmasterPid = (meta = metadata) =>
    Number(readFileSync(path.join(meta, 'postgres', 'data', 'postmaster.pid'), 'utf8').split('\n')[0]);

  beforeEach(() => {
    root = newHome();
    metadata = path.join(root, 'metadata');
    env = { DWH_HOME: fixtureHome, DWH_METADATA_DIR: metadata, DWH_ENV: 'local' };
  });
  afterEach(async () => {
    for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
    for (const dir of folders.splice(0)) {
      await stopEmbeddedServer(path.join(dir, 'metadata', 'postgres')).catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the first command creates and starts it; db status, url and psql-style connections see it; db stop then the next command restarts it', async () => {
    expect((await runCli(['db', 'status'], { env })).stdout).toMatch(/^not created yet/);
    const first = await runCli(['sql', 'show data_directory'], { env });
    expect(first.code, first.stderr).toBe(0);
    const dataDir = path.join(metadata, 'postgres', 'data');
    expect(first.stdout).toContain(dataDir);

    const password = path.join(metadata, 'postgres', 'password');
    expect(statSync(password).mode & 0o777).toBe(0o600);
    const secret = readFileSync(password, 'utf8').trim();
    const status = await runCli(['db', 'status'], { env });
    expect(status.stdout).toMatch(/^running: PostgreSQL 18 since /);
    expect(status.stdout).toContain(`listens: 127.0.0.1:${state().port}`);
    expect(status.stdout).toContain('dwh:***@');
    expect(status.stdout).not.toContain(secret);
    expect(readFileSync(path.join(metadata, 'postgres', 'server.log'), 'utf8')).not.toContain(secret);

    const url = (await runCli(['db', 'url'], { env })).stdout.trim();
    expect(url).toBe(`postgres://dwh:${secret}@127.0.0.1:${state().port}/postgres`);
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const { rows } = await client.query<{ n: string }>('select count(*) as n from dwh.migrations');
    expect(Number(rows[0]!.n)).toBeGreaterThan(0);
    await client.end();

    expect((await runCli(['db', 'stop'], { env })).stdout).toBe('stopped\n');
    expect((await runCli(['db', 'status'], { env })).stdout).toMatch(/^stopped/);
    // the port it had is taken meanwhile: the next start picks another one
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(state().port, '127.0.0.1', resolve));
    try {
      const again = await runCli(['sql', 'select 42 as answer'], { env });
      expect(again.code, again.stderr).toBe(0);
      expect(again.stdout).toContain('42');
      expect(state().port).not.toBe((blocker.address() as net.AddressInfo).port);
    } finally {
      blocker.close();
    }
  }, 120_000);

  it('commands starting it at the same instant share one server', async () => {
    const results = await Promise.all(
      [1, 2, 3].map(() => runCli(['sql', 'select pg_postmaster_start_time() as started'], { env })),
    );
    for (const result of results) expect(result.code, result.stderr).toBe(0);
    expect(new Set(results.map((r) => r.stdout)).size).toBe(1);
    expect(readdirSync(path.join(metadata, 'postgres')).filter((f) => f.startsWith('data.init-'))).toEqual(
      [],
    );
  });

  it('db stop refuses while a run is going; kill -9 of the server mid-run fails the run and the next run recovers it', async () => {
    const marker = path.join(root, 'marker');
    const runEnv = { ...env, DWH_TEST_MARKER: marker, DWH_TEST_WAIT_MS: '3000' };
    const run = startCli(['run', 'slow', '--end-date', '2026-02-01'], { env: runEnv });
    children.push(run);
    while (!existsSync(marker) || readFileSync(marker, 'utf8') === '') {
      if (run.exitCode !== null) throw new Error(`dwh run exited early with ${run.exitCode}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const runId = Number(readFileSync(marker, 'utf8'));

    const refused = await runCli(['db', 'stop'], { env });
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain(`runs are going: run ${runId} of slow (pid ${run.pid}`);

    process.kill(postmasterPid(), 'SIGKILL');
    const failed = await collect(run, 60_000);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/dwh: error: .*(ECONNREFUSED|terminat|connection)/i);

    const next = await runCli(['run', 'slow', '--end-date', '2026-02-01'], {
      env: { ...env, DWH_TEST_WAIT_MS: '0' },
    });
    expect(next.code, next.stderr).toBe(0);
    expect(next.stdout).toContain(`run ${runId} of slow had lost its process: marked crashed`);
    const runs = JSON.parse((await runCli(['runs', 'slow', '--json'], { env })).stdout) as RunRow[];
    expect(runs.map((r) => r.status)).toEqual(['success', 'crashed']);
  }, 180_000);

  it('starts despite a stale postmaster.pid (a crash, or a reboot that gave its pid to another process)', async () => {
    expect((await runCli(['db', 'start'], { env })).code).toBe(0);
    const pid = postmasterPid();
    process.kill(pid, 'SIGKILL');
    while (isAlive(pid)) await new Promise((resolve) => setTimeout(resolve, 50));
    // the pid now names a live process that is not PostgreSQL
    const pidFile = path.join(metadata, 'postgres', 'data', 'postmaster.pid');
    const lines = readFileSync(pidFile, 'utf8').split('\n');
    lines[0] = String(process.pid);
    writeFileSync(pidFile, lines.join('\n'));

    const result = await runCli(['sql', 'select 1 as one'], { env });
    expect(result.code, result.stderr).toBe(0);
    expect(postmasterPid()).not.toBe(process.pid);
  });

  it('a second home never uses the first home’s server, even with a copy of its state and password', async () => {
    expect((await runCli(['db', 'start'], { env })).code).toBe(0);
    const otherRoot = newHome();
    const otherMetadata = path.join(otherRoot, 'metadata');
    mkdirSync(path.join(otherMetadata, 'postgres'), { recursive: true });
    for (const file of ['state.json', 'password'])
      cpSync(path.join(metadata, 'postgres', file), path.join(otherMetadata, 'postgres', file));
    const otherEnv = { ...env, DWH_METADATA_DIR: otherMetadata };

    const other = await runCli(['sql', 'show data_directory'], { env: otherEnv });
    expect(other.code, other.stderr).toBe(0);
    expect(other.stdout).toContain(path.join(otherMetadata, 'postgres', 'data'));
    expect(state(otherMetadata).port).not.toBe(state().port);
    const first = await runCli(['sql', 'show data_directory'], { env });
    expect(first.stdout).toContain(path.join(metadata, 'postgres', 'data'));
  }, 120_000);

  it('refuses a data directory of another PostgreSQL major version with what to do', async () => {
    mkdirSync(path.join(metadata, 'postgres', 'data'), { recursive: true });
    writeFileSync(path.join(metadata, 'postgres', 'data', 'PG_VERSION'), '17\n');
    writeFileSync(path.join(metadata, 'postgres', 'password'), 'x\n', { mode: 0o600 });
    const result = await runCli(['runs'], { env });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      'the data directory was created by PostgreSQL 17, this dwh ships PostgreSQL 18',
    );
    expect(result.stderr).toContain('DWH_DATABASE_URL');
  });

  it('dwh db refuses to manage a warehouse given by URL', async () => {
    const result = await runCli(['db', 'stop'], {
      env: { ...env, DWH_DATABASE_URL: 'postgres://somebody@127.0.0.1:1/x' },
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('dwh db manages only the embedded server');
  });
});

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * As root the server runs as the `postgres` account. A home it cannot enter (a clone under /root, mode 0700)
 * keeps its data directory in a folder the account can enter; state, password and log stay in the home.
 */
const isRoot = process.getuid?.() === 0;
describe(`embedded server: a home the postgres account cannot enter${isRoot ? '' : ' (skipped: needs root, as the server runs as postgres only then)'}`, () => {
  let root: string;
  let env: Record<string, string>;
  const homes: string[] = [];
  const movedDirs: string[] = [];

  const newHome = () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'dwh-embedded-closed-'));
    chmodSync(dir, 0o700);
    homes.push(dir);
    return dir;
  };
  const serverDir = (home: string) => path.join(home, 'metadata', 'postgres');
  const dataDirOf = (home: string) => {
    const { dataDir } = JSON.parse(readFileSync(path.join(serverDir(home), 'state.json'), 'utf8')) as {
      dataDir: string;
    };
    movedDirs.push(path.dirname(dataDir));
    return dataDir;
  };
  const envOf = (home: string) => ({
    DWH_HOME: fixtureHome,
    DWH_METADATA_DIR: path.join(home, 'metadata'),
    DWH_ENV: 'local',
    DWH_TEST_WAIT_MS: '0',
  });

  beforeEach(() => {
    root = newHome();
    env = envOf(root);
  });
  afterEach(async () => {
    for (const home of homes.splice(0)) {
      await stopEmbeddedServer(serverDir(home)).catch(() => undefined);
      rmSync(home, { recursive: true, force: true });
    }
    for (const dir of movedDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it.skipIf(!isRoot)(
    'dwh run works: the data directory is kept where the account can enter, said once, shown by db status; db stop then the next command restarts it there',
    async () => {
      const first = await runCli(['run', 'slow', '--end-date', '2026-02-01'], { env });
      expect(first.code, first.stderr).toBe(0);
      const dataDir = dataDirOf(root);
      expect(dataDir.startsWith(`${root}${path.sep}`)).toBe(false);
      expect(existsSync(path.join(serverDir(root), 'data'))).toBe(false);
      expect(first.stderr).toContain(
        `the data directory is kept in ${dataDir} because the postgres account cannot enter ${serverDir(root)}`,
      );
      expect(statSync(path.dirname(dataDir)).mode & 0o777).toBe(0o700);
      expect(statSync(path.join(serverDir(root), 'password')).mode & 0o777).toBe(0o600);
      expect(readFileSync(path.join(serverDir(root), 'server.log'), 'utf8')).toContain(
        'database system is ready to accept connections',
      );

      const status = await runCli(['db', 'status'], { env });
      expect(status.stdout).toMatch(/^running: PostgreSQL 18 since /);
      expect(status.stdout).toContain(`datadir: ${dataDir}`);
      const shown = await runCli(['sql', 'show data_directory'], { env });
      expect(shown.stdout).toContain(dataDir);
      expect(shown.stderr).not.toContain('the data directory is kept in');

      expect((await runCli(['db', 'stop'], { env })).stdout).toBe('stopped\n');
      const stopped = await runCli(['db', 'status'], { env });
      expect(stopped.stdout).toMatch(/^stopped/);
      expect(stopped.stdout).toContain(`datadir: ${dataDir}`);
      const again = await runCli(['run', 'slow', '--end-date', '2026-02-02'], { env });
      expect(again.code, again.stderr).toBe(0);
      expect(dataDirOf(root)).toBe(dataDir);
      const runs = JSON.parse((await runCli(['runs', 'slow', '--json'], { env })).stdout) as RunRow[];
      expect(runs.map((r) => r.status)).toEqual(['success', 'success']);
    },
    120_000,
  );

  it.skipIf(!isRoot)(
    'a stale postmaster.pid in the moved data directory is recovered; one of another major version is refused naming it',
    async () => {
      expect((await runCli(['db', 'start'], { env })).code).toBe(0);
      const dataDir = dataDirOf(root);
      const pidFile = path.join(dataDir, 'postmaster.pid');
      const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
      process.kill(pid, 'SIGKILL');
      while (isAlive(pid)) await new Promise((resolve) => setTimeout(resolve, 50));
      const lines = readFileSync(pidFile, 'utf8').split('\n');
      lines[0] = String(process.pid);
      writeFileSync(pidFile, lines.join('\n'));
      const recovered = await runCli(['sql', 'select 1 as one'], { env });
      expect(recovered.code, recovered.stderr).toBe(0);
      expect(Number(readFileSync(pidFile, 'utf8').split('\n')[0])).not.toBe(process.pid);

      expect((await runCli(['db', 'stop'], { env })).stdout).toBe('stopped\n');
      writeFileSync(path.join(dataDir, 'PG_VERSION'), '17\n');
      const refused = await runCli(['runs'], { env });
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain(
        'the data directory was created by PostgreSQL 17, this dwh ships PostgreSQL 18',
      );
      expect(refused.stderr).toContain(`move ${dataDir} aside`);
    },
    120_000,
  );

  it.skipIf(!isRoot)(
    'another such home never uses the first one’s server, even with a copy of its state and password',
    async () => {
      expect((await runCli(['db', 'start'], { env })).code).toBe(0);
      const firstDataDir = dataDirOf(root);
      const other = newHome();
      mkdirSync(serverDir(other), { recursive: true });
      for (const file of ['state.json', 'password'])
        cpSync(path.join(serverDir(root), file), path.join(serverDir(other), file));

      const shown = await runCli(['sql', 'show data_directory'], { env: envOf(other) });
      expect(shown.code, shown.stderr).toBe(0);
      const otherDataDir = dataDirOf(other);
      expect(otherDataDir).not.toBe(firstDataDir);
      expect(shown.stdout).toContain(otherDataDir);
      expect((await runCli(['sql', 'show data_directory'], { env })).stdout).toContain(firstDataDir);
    },
    120_000,
  );
});
