/**
 * npm run bench:runner — runner overhead per task and CLI cold start, as ratios against baselines measured in
 * the same run:
 * - per-task overhead = (run of N no-op tasks − run of 1 task) / (N − 1) − the cost of one task's own audit
 *   writes (insert + update of an etl_task_runs row, measured alone on the same database);
 * - parallel tasks: 4 independent chains of 50 tasks that each sleep 20 ms, at --parallel 4: the tasks' wall
 *   time (first start to last end, as recorded in etl_task_runs) against the ideal critical path, 50 × 20 ms
 *   (target ≥ 0.9× of ideal), and against the floor of the same work without the runner: 4 concurrent loops
 *   that each write a task's two audit rows (insertAttempt, finishAttempt) around a 20 ms sleep, 50 times, on
 *   the same database — what the database round trips and timers cost before the runner adds anything;
 * - `dwh --help` against `node -e 0`.
 * The per-task overhead is measured at --parallel 1, one task at a time.
 * Each case runs on the embedded server (the default warehouse), on PGlite, and on a server given by --url or
 * DWH_TEST_DATABASE_URL.
 * Usage: npm run bench:runner [-- --tasks 200 --url postgres://…]
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { migrate } from '../../src/audit/migrate.js';
import { insertRun } from '../../src/audit/run-store.js';
import { finishAttempt, insertAttempt } from '../../src/audit/task-run-store.js';
import { runProject } from '../../src/run/run-project.js';
import { openWarehouse, type Warehouse } from '../../src/db/connection.js';
import { stopEmbeddedServer } from '../../src/db/embedded-server.js';

const { values } = parseArgs({
  options: { tasks: { type: 'string', default: '200' }, url: { type: 'string' } },
});
const taskCount = Number(values.tasks);
const serverUrl = values.url ?? process.env.DWH_TEST_DATABASE_URL ?? null;
const repo = path.resolve(import.meta.dirname, '../..');
const root = path.join(repo, 'metadata', 'bench-runner');

function writeProject(name: string, tasks: number): void {
  const dir = path.join(root, 'projects', 'bench', name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    path.join(dir, 'parameters.ts'),
    `import { defineProject } from 'dwh';
export default defineProject({ name: '${name}', version: '1', target: { database: 'bench', table: 't' }, fullLoadStartDate: '2026-01-01' });
`,
  );
  writeFileSync(
    path.join(dir, 'factory.ts'),
    `import { defineFactory, task } from 'dwh';
export default defineFactory(Array.from({ length: ${tasks} }, (_, i) => task('t' + i, () => ({ records: 1 }))));
`,
  );
}

const CHAINS = 4;
const CHAIN_LENGTH = 50;
const SLEEP_MS = 20;

/** Independent chains: the first task of each has no dependency, the others follow the one above. */
function writeChainsProject(name: string): void {
  const dir = path.join(root, 'projects', 'bench', name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    path.join(dir, 'parameters.ts'),
    `import { defineProject } from 'dwh';
export default defineProject({ name: '${name}', version: '1', target: { database: 'bench', table: 't' }, fullLoadStartDate: '2026-01-01' });
`,
  );
  writeFileSync(
    path.join(dir, 'factory.ts'),
    `import { defineFactory, task } from 'dwh';
const sleep = () => new Promise((resolve) => setTimeout(() => resolve({ records: 1 }), ${SLEEP_MS}));
export default defineFactory(
  Array.from({ length: ${CHAINS} }, (_, c) =>
    Array.from({ length: ${CHAIN_LENGTH} }, (_, i) => task('c' + c + '_t' + i, sleep, i === 0 ? { dependsOn: [] } : {})),
  ).flat(),
);
`,
  );
}

async function timeRun(
  project: string,
  env: Record<string, string>,
  parallel = 1,
): Promise<{ ms: number; runId: number }> {
  const started = performance.now();
  const report = await runProject({
    project,
    console: false,
    env,
    loadType: 'F',
    endDate: new Date('2026-02-01T00:00:00Z'),
    parallel,
  });
  if (report.status !== 'success') throw new Error(`${project} failed: ${report.error}`);
  return { ms: performance.now() - started, runId: report.runId! };
}

/** Where a case runs: the embedded server (the default), PGlite, or a server by URL. */
interface Target {
  label: 'embedded' | 'pglite' | 'server';
  url: string | null;
}

function targetDirs(target: Target) {
  return {
    pgliteDir: path.join(root, `pglite-${target.label}`),
    // where config puts it: <metadata>/postgres
    embeddedDir: path.join(root, `metadata-${target.label}`, 'postgres'),
    metadataDir: path.join(root, `metadata-${target.label}`),
  };
}

function openTarget(target: Target) {
  const { pgliteDir, embeddedDir } = targetDirs(target);
  return openWarehouse({
    url: target.url,
    engine: target.label === 'pglite' ? 'pglite' : 'embedded',
    pgliteDir,
    embeddedDir,
    command: 'bench',
  });
}

/** First start to last end of the run's tasks, as recorded in etl_task_runs. */
async function tasksWall(target: Target, runId: number): Promise<number> {
  const warehouse = await openTarget(target);
  try {
    const [row] = await warehouse.query<{ ms: number }>(
      `select extract(epoch from max(ended_at) - min(started_at)) * 1000 as ms
       from dwh.etl_task_runs where run_id = $1`,
      [runId],
    );
    return Number(row!.ms);
  } finally {
    await warehouse.close();
  }
}

function benchRun(warehouse: Warehouse): Promise<number> {
  return insertRun(warehouse, {
    project: 'bench_audit',
    environment: 'bench',
    version: '1',
    window: {
      loadType: 'F',
      start: new Date('2026-01-01'),
      end: new Date('2026-02-01'),
      previousMaxDate: null,
    },
    targetDatabase: 'bench',
    targetTable: 't',
    gitSha: null,
    parameters: {},
  });
}

/** One task's own audit writes: its `running` row, then its end. */
async function taskWrites(warehouse: Warehouse, runId: number, task: string, between?: () => Promise<void>) {
  await insertAttempt(warehouse, { runId, task, attempt: 1, status: 'running' });
  await between?.();
  await finishAttempt(warehouse, {
    runId,
    task,
    attempt: 1,
    status: 'success',
    records: 1,
    errorMessage: null,
  });
}

/** The cost of one task's own audit writes, measured alone. */
async function auditWriteCost(target: Target, count: number): Promise<number> {
  const warehouse = await openTarget(target);
  try {
    await migrate(warehouse);
    const runId = await benchRun(warehouse);
    const started = performance.now();
    for (let i = 0; i < count; i++) await taskWrites(warehouse, runId, `t${i}`);
    return (performance.now() - started) / count;
  } finally {
    await warehouse.close();
  }
}

/** The chains' work without the runner: the same sleeps and audit writes, in concurrent loops. */
async function chainsFloor(target: Target): Promise<number> {
  const warehouse = await openTarget(target);
  try {
    const runId = await benchRun(warehouse);
    const sleep = () => new Promise<void>((resolve) => setTimeout(resolve, SLEEP_MS));
    const started = performance.now();
    await Promise.all(
      Array.from({ length: CHAINS }, async (_, c) => {
        for (let i = 0; i < CHAIN_LENGTH; i++) await taskWrites(warehouse, runId, `c${c}_t${i}`, sleep);
      }),
    );
    return performance.now() - started;
  } finally {
    await warehouse.close();
  }
}

async function measure(target: Target): Promise<void> {
  const { label } = target;
  const { pgliteDir, metadataDir } = targetDirs(target);
  const env: Record<string, string> = {
    DWH_HOME: root,
    DWH_METADATA_DIR: metadataDir,
    DWH_PGLITE_DIR: pgliteDir,
  };
  if (target.url) env.DWH_DATABASE_URL = target.url;
  else env.DWH_DATABASE_ENGINE = label === 'pglite' ? 'pglite' : 'embedded';
  // warm-up: migrations, module loading, the TS loader's cache
  await timeRun('bench_one', env);
  const time = async (project: string) => (await timeRun(project, env)).ms;
  const one = Math.min(await time('bench_one'), await time('bench_one'));
  const many = Math.min(await time('bench_many'), await time('bench_many'));
  const audit = await auditWriteCost(target, taskCount);
  const perTask = (many - one) / (taskCount - 1);
  const overhead = perTask - audit;
  console.log(
    `${label.padEnd(8)} run of ${taskCount} tasks ${many.toFixed(0)} ms, of 1 task ${one.toFixed(0)} ms → ` +
      `${perTask.toFixed(2)} ms per task; own audit writes ${audit.toFixed(2)} ms; ` +
      `overhead beyond them ${overhead.toFixed(2)} ms per task at --parallel 1 (target < 5 ms; ratio to audit writes ${(perTask / audit).toFixed(2)}×)`,
  );

  const ideal = CHAIN_LENGTH * SLEEP_MS;
  const walls: number[] = [];
  const floors: number[] = [];
  for (let i = 0; i < 3; i++) {
    floors.push(await chainsFloor(target));
    walls.push(await tasksWall(target, (await timeRun('bench_chains', env, CHAINS)).runId));
  }
  const wall = Math.min(...walls);
  const floor = Math.min(...floors);
  console.log(
    `${label.padEnd(8)} ${CHAINS} chains of ${CHAIN_LENGTH} tasks sleeping ${SLEEP_MS} ms at --parallel ${CHAINS}: ` +
      `tasks' wall ${wall.toFixed(0)} ms, ideal critical path ${ideal} ms → ${(ideal / wall).toFixed(2)}× of ideal ` +
      `(target ≥ 0.9×; one at a time would take ≥ ${CHAINS * ideal} ms); the same sleeps and audit writes ` +
      `without the runner ${floor.toFixed(0)} ms (${(ideal / floor).toFixed(2)}× of ideal) → the runner reaches ` +
      `${(floor / wall).toFixed(2)}× of that floor`,
  );
}

function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function coldStart(args: string[], runs = 11): number {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    execFileSync(process.execPath, args, { stdio: 'ignore' });
    samples.push(performance.now() - started);
  }
  return median(samples);
}

rmSync(root, { recursive: true, force: true });
writeProject('bench_one', 1);
writeProject('bench_many', taskCount);
writeChainsProject('bench_chains');
try {
  try {
    await measure({ label: 'embedded', url: null });
  } finally {
    await stopEmbeddedServer(targetDirs({ label: 'embedded', url: null }).embeddedDir);
  }
  await measure({ label: 'pglite', url: null });
  if (serverUrl) {
    const dbName = `dwh_bench_${process.pid}`;
    const admin = new URL(serverUrl);
    const pg = (await import('pg')).default;
    const client = new pg.Client({ connectionString: serverUrl });
    await client.connect();
    await client.query(`create database ${dbName}`);
    try {
      admin.pathname = `/${dbName}`;
      await measure({ label: 'server', url: admin.toString() });
    } finally {
      await client.query(`drop database ${dbName} with (force)`);
      await client.end();
    }
  } else {
    console.log('server   skipped: pass --url or set DWH_TEST_DATABASE_URL');
  }
  const node = coldStart(['-e', '0']);
  const help = coldStart([path.join(repo, 'dist/cli/main.js'), '--help']);
  console.log(
    `cli      dwh --help ${help.toFixed(0)} ms (median of 11; target < 250 ms); node -e 0 ${node.toFixed(0)} ms; ratio ${(help / node).toFixed(2)}×`,
  );
} finally {
  rmSync(root, { recursive: true, force: true });
}
