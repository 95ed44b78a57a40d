import { execFile } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Logger } from 'pino';
import { migrate } from '../audit/migrate.js';
import { acquireRunLock, recoverCrashedRuns, type RunLock } from '../audit/run-lock.js';
import {
  finishAttempt,
  finishRun,
  insertAttempt,
  insertRun,
  auditExists,
  lastSuccessfulRun,
  setEmailStatus,
} from '../audit/run-store.js';
import { heartbeatInterval } from '../audit/run-liveness.js';
import { finalKind, plannedScope, type RunKind } from '../audit/run-kind.js';
import { computeWindow } from '../audit/window.js';
import { createConnectorRegistry } from '../connectors/registry.js';
import { openWarehouse, warehouseTarget, type Warehouse } from '../db/connection.js';
import { databaseIdentity } from '../db/database-identity.js';
import { applyDdlHistory } from '../audit/ddl-history.js';
import { redactText, redactValue } from '../logging/redact.js';
import { applyLogRetention } from '../logging/retention.js';
import { logDir, newLogFile } from '../logging/run-log.js';
import { loadEmailSettings, type EmailSettings } from '../notify/email-settings.js';
import { notifyRun } from '../notify/notify-run.js';
import { listDqResults } from '../audit/dq-result-store.js';
import { loadConfig, type ResolvedConfig } from '../core/config.js';
import { EXIT, errorDetail, errorMessage, type ExitCode } from '../core/errors.js';
import { createOutputWriter, outputDir } from '../core/output.js';
import { findProject, loadProject, type LoadedProject } from '../core/project-loader.js';
import { RunLogError, guardRun } from './run-guard.js';
import { runTasks, type RunnerResult } from '../core/runner.js';
import { parseParallel, warehousePoolSize } from '../core/parallelism.js';
import { selectTasks } from '../core/task-groups.js';
import { planCheckContext, validatePlan } from '../core/plan-validation.js';
import { createTaskContext } from './task-context.js';
import type { LoadType, LoadWindow } from '../core/types.js';

export interface RunRequest {
  /** `<name>` or `<group>/<name>`. */
  project: string;
  loadType?: LoadType;
  startDate?: Date;
  endDate?: Date;
  environment?: string;
  /** Only these tasks run (`--tasks a,b`); a group name selects all its tasks. */
  tasks?: string[];
  /** How many ready tasks run at once (`--parallel N`). (Default: the project's maxParallelTasks) */
  parallel?: number;
  dryRun?: boolean;
  /** Human-readable log lines on the console. (Default: true) */
  console?: boolean;
  /** The clock, for the window end. (Default: now) */
  now?: Date;
  /** Environment variables read for configuration. (Default: process.env) */
  env?: NodeJS.ProcessEnv;
  /** Where the dwh home is searched from. (Default: process.cwd()) */
  cwd?: string;
  /** Send the run's e-mail as configured; false is `--no-email`. (Default: true) */
  email?: boolean;
  /** When another run of the project holds its lock, wait this long for it (`--wait`); Infinity waits as
   * long as it takes. (Default: 0, refused at once with exit 3) */
  waitForLockMs?: number;
  /** The backfill this run belongs to: recorded as etl_runs.backfill_id. (Default: none) */
  backfillId?: number;
  /**
   * An open warehouse and the project's run lock the caller already holds (a backfill holds them across all
   * its windows, so no other run of the project can slip in between). The run neither opens, locks, releases
   * nor closes them. (Default: the run opens the warehouse and takes the lock itself)
   */
  session?: RunSession;
}

/** Held by the caller across several runs: the audit schema is migrated and crashed runs are recovered. */
export interface RunSession {
  warehouse: Warehouse;
  lock: RunLock;
  /** The project, loaded once for all the runs of the session (loading it costs about a second). */
  project: LoadedProject;
}

export interface RunReport {
  runId: number | null;
  project: LoadedProject;
  config: ResolvedConfig;
  window: LoadWindow;
  status: 'success' | 'failed' | 'planned';
  result: RunnerResult | null;
  error: string | null;
  logFile: string | null;
  exitCode: ExitCode;
  /** What was stored in etl_runs.email_status: `sent`, `skipped: …` or `failed: …`. (Not set for dry runs) */
  emailStatus?: string;
}

/** Lines for the console (plan, summary); logs go through pino. */
export type Printer = (line: string) => void;

const HEARTBEAT_MS = heartbeatInterval();

/**
 * One run of a project: load it, open the warehouse, take the project's lock, recover crashed runs, compute
 * the window, record the run, apply alter_tables.sql, execute the tasks, record the outcome. Errors before the
 * run row exists are thrown (exit 2/3); after, they end the run as `failed`.
 */
export async function runProject(request: RunRequest, printer: Printer = () => {}): Promise<RunReport> {
  const print: Printer = (line) => printer(redactText(line));
  const config = loadConfig({
    ...(request.environment ? { environment: request.environment } : {}),
    ...(request.env ? { env: request.env } : {}),
    ...(request.cwd ? { cwd: request.cwd } : {}),
  });
  const ref = request.session?.project.ref ?? findProject(config.paths.projectsDir, request.project);
  const project =
    request.session?.project ??
    (await loadProject(ref, {
      home: config.paths.home,
      overrides: config.settings.projects[ref.name],
    }));
  // options, mappings, validation.yaml and connectors named by the tasks: exit 2 before anything is written
  if (!request.session) validatePlan(project, planCheckContext(config, ref.dir));
  const selected = request.tasks?.length
    ? selectTasks(project.plan, request.tasks, project.ref.name)
    : undefined;
  const parallel =
    request.parallel === undefined ? project.parameters.maxParallelTasks : parseParallel(request.parallel);
  // a bad smtp/recipients section stops the run before it starts, not after its work is done
  const email = request.email === false ? null : loadEmailSettings(config);
  const loadType = request.loadType ?? project.parameters.loadType;

  const session = request.session;
  const warehouse =
    session?.warehouse ??
    (await openWarehouse({
      ...warehouseTarget(config),
      command: `run ${ref.name}`,
      poolSize: warehousePoolSize(parallel),
    }));
  let lock: RunLock | null = null;
  try {
    if (request.dryRun) {
      const window = await planWindow(warehouse, project, loadType, request, true);
      printPlan(print, project, config, warehouse, window, selected);
      return {
        runId: null,
        project,
        config,
        window,
        status: 'planned',
        result: null,
        error: null,
        logFile: null,
        exitCode: EXIT.success,
      };
    }
    // A session's owner (a backfill) migrated, took the lock and recovered crashed runs once for all windows.
    if (!session) await migrate(warehouse);
    lock = session?.lock ?? (await acquireRunLock(warehouse, ref.name, request.waitForLockMs));
    const crashed = session ? [] : await recoverCrashedRuns(warehouse, ref.name, { onWait: print });
    const window = await planWindow(warehouse, project, loadType, request, false);
    return await executeRun({
      request,
      config,
      project,
      warehouse,
      lock,
      window,
      selected,
      crashed,
      print,
      email,
      parallel,
    });
  } finally {
    if (!session) {
      await lock?.release();
      await warehouse.close();
    }
  }
}

async function planWindow(
  warehouse: Warehouse,
  project: LoadedProject,
  loadType: LoadType,
  request: RunRequest,
  readOnly: boolean,
): Promise<LoadWindow> {
  let previous = null;
  if (loadType === 'I') {
    const hasAudit = !readOnly || (await auditExists(warehouse));
    const row = hasAudit ? await lastSuccessfulRun(warehouse, project.ref.name) : null;
    previous = row ? { dataMaxDate: row.data_max_date, endLoadDate: row.end_load_date } : null;
  }
  return computeWindow({
    loadType,
    now: request.now ?? new Date(),
    grain: project.parameters.windowGrain,
    fullLoadStartDate: project.parameters.fullLoadStartDate,
    lookbackDays: project.parameters.lookbackDays,
    previous,
    ...(request.startDate ? { startOverride: request.startDate } : {}),
    ...(request.endDate ? { endOverride: request.endDate } : {}),
  });
}

interface ExecuteInput {
  request: RunRequest;
  config: ResolvedConfig;
  project: LoadedProject;
  warehouse: Warehouse;
  lock: RunLock;
  window: LoadWindow;
  selected: Set<string> | undefined;
  crashed: number[];
  print: Printer;
  email: EmailSettings | null;
  parallel: number;
}

async function executeRun(input: ExecuteInput): Promise<RunReport> {
  const { config, project, warehouse, window, print } = input;
  const { parameters, ref } = project;
  // pino is loaded by runs only, not by every `import 'dwh'`
  const { createRunLogger } = await import('../logging/logger.js');
  const logFile = newLogFile(config.paths.metadataDir, ref.name, await databaseIdentity(warehouse));
  const startedAt = new Date();
  const sha = await gitSha(ref.dir);
  const factoryTasks = project.plan.map((p) => p.task.name);
  const scope = plannedScope(factoryTasks, input.selected);
  const runId = await insertRun(warehouse, {
    project: ref.name,
    environment: config.environment,
    version: parameters.version,
    window,
    targetDatabase: parameters.target.database,
    targetTable: `${parameters.target.schema}.${parameters.target.table}`,
    gitSha: sha,
    parameters: redactValue(JSON.parse(JSON.stringify(parameters)) as Record<string, unknown>),
    scope,
  });
  if (input.request.backfillId !== undefined) {
    await warehouse.query('update dwh.etl_runs set backfill_id = $2 where run_id = $1', [
      runId,
      input.request.backfillId,
    ]);
  }
  input.lock.annotate(runId);
  // installed before anything else can fail, so that every failure from here on ends the run row
  let log: Logger | null = null;
  const guard = guardRun({
    project: ref.name,
    runId,
    warehouse,
    lock: input.lock,
    heartbeatMs: HEARTBEAT_MS,
    log: () => log,
    logFile,
  });
  log = createRunLogger({
    file: logFile,
    console: input.request.console !== false,
    bindings: { project: ref.name, runId },
    onFileError: (error) => guard.fail(new RunLogError(logFile, error)),
  });
  for (const id of input.crashed) log.warn(`run ${id} of ${ref.name} had lost its process: marked crashed`);
  log.info(
    `run ${runId} started: ${ref.group}/${ref.name} v${parameters.version}, env ${config.environment}, ` +
      `load type ${window.loadType}, window ${window.start.toISOString()} → ${window.end.toISOString()}, database ${warehouse.description}`,
  );
  if (input.selected) noteSelection(log, project, input.selected);

  const output = createOutputWriter(outputDir(config.paths.metadataDir, ref.name));
  const connectors = createConnectorRegistry({
    section: config.settings.connectors,
    file: path.relative(config.paths.home, config.paths.configFile),
    environment: config.environment,
    home: config.paths.home,
  });
  let result: RunnerResult | null = null;
  let error: string | null;
  let runError: { message: string; detail: string } | null = null;
  try {
    const ddl = await applyDdlHistory(
      warehouse,
      ref.name,
      path.join(ref.dir, 'alter_tables.sql'),
      path.relative(config.paths.home, path.join(ref.dir, 'alter_tables.sql')),
      runId,
    );
    if (ddl.applied)
      log.info(`alter_tables.sql: ${ddl.applied} statement(s) applied, ${ddl.skipped} already applied`);
    const base = {
      project: parameters,
      projectDir: ref.dir,
      environment: config.environment,
      runId,
      window,
      warehouse,
      log,
      output,
      connectors,
    };
    result = await runTasks({
      project: parameters,
      plan: project.plan,
      ...(input.selected ? { selected: input.selected } : {}),
      maxParallel: input.parallel,
      log,
      interrupt: guard.signal,
      hooks: {
        attemptStarted: (task, attempt) => {
          const options = project.plan.find((p) => p.task.name === task)?.task.options;
          guard.attemptStarted(task, attempt, options?.timeoutMs ?? parameters.timeoutMs);
          return insertAttempt(warehouse, { runId, task, attempt, status: 'running' });
        },
        attemptEnded: (task, attempt, status, counts, message) => {
          guard.attemptEnded(task, attempt);
          return finishAttempt(warehouse, {
            runId,
            task,
            attempt,
            status,
            records: counts.records,
            rejected: counts.rejected,
            errorMessage: message && redactText(message),
          });
        },
        taskSkipped: (task, status, reason) =>
          insertAttempt(warehouse, { runId, task, attempt: 1, status, errorMessage: reason }),
        context: (task, attempt, signal, report) => createTaskContext(base, task, attempt, signal, report),
      },
    });
    error = result.error;
  } catch (thrown) {
    error = errorMessage(thrown);
    runError = { message: error, detail: errorDetail(thrown) };
    log.error({ err: thrown instanceof Error ? thrown : undefined }, `run failed: ${error}`);
  } finally {
    guard.stop();
    for (const problem of await connectors.closeAll()) log.warn(problem);
  }
  const status = result?.status === 'success' && error === null ? 'success' : 'failed';
  const kind = result ? finalKind(scope, factoryTasks, result.tasks) : scope.kind;
  if (kind === 'partial' && status === 'success')
    log.warn(`run ${runId} is partial: the next incremental run does not start from its window`);
  const finished = await finishRun(warehouse, runId, {
    kind,
    status,
    records: result?.records ?? 0,
    rejected: result?.rejected ?? 0,
    dataMinDate: result?.dataMinDate ?? null,
    dataMaxDate: result?.dataMaxDate ?? null,
    errorMessage: error && redactText(error),
  });
  if (!finished.updated)
    log.warn(
      `run ${runId} was already marked ${finished.status} by another process: its row is left as it is`,
    );
  const rejected = result?.rejected ? `, ${result.rejected} rejected` : '';
  log.info(`run ${runId} ${status}: ${result?.records ?? 0} records${rejected}${error ? `; ${error}` : ''}`);
  const checks = await listDqResults(warehouse, runId).catch((thrown: unknown) => {
    log.warn(`could not read the data quality results of run ${runId}: ${errorMessage(thrown)}`);
    return [];
  });
  const emailStatus = await notifyRun({
    checks,
    settings: input.email,
    parameters,
    info: {
      project: ref.name,
      group: ref.group,
      environment: config.environment,
      version: parameters.version,
      runId,
      host: os.hostname(),
      status,
      window,
      dataMinDate: result?.dataMinDate ?? null,
      dataMaxDate: result?.dataMaxDate ?? null,
      records: result?.records ?? 0,
      startedAt,
      endedAt: new Date(),
      target: `${parameters.target.database} ${parameters.target.schema}.${parameters.target.table}`,
      gitSha: sha,
    },
    result,
    runError,
    logFile,
    log,
  });
  await setEmailStatus(warehouse, runId, emailStatus).catch((thrown: unknown) =>
    log.warn(`could not record email_status of run ${runId}: ${errorMessage(thrown)}`),
  );
  if (!parameters.keepOutput) output.removeAll();
  const deleted = applyLogRetention(
    logDir(config.paths.metadataDir, ref.name),
    parameters.logRetention,
    new Date(),
    logFile,
  );
  if (deleted.length) log.info(`log retention: deleted ${deleted.length} old log file(s)`);
  log.flush();
  if (result) printSummary(print, runId, status, kind, result);
  return {
    runId,
    project,
    config,
    window,
    status,
    result,
    error,
    logFile,
    exitCode: status === 'success' ? EXIT.success : EXIT.runFailed,
    emailStatus,
  };
}

function noteSelection(log: Logger, project: LoadedProject, selected: Set<string>): void {
  log.info(`--tasks: running only ${[...selected].join(', ')}`);
  for (const { task, dependsOn } of project.plan) {
    if (!selected.has(task.name)) continue;
    const missing = dependsOn.filter((d) => !selected.has(d));
    if (missing.length)
      log.warn({ task: task.name }, `runs without its dependencies ${missing.join(', ')} (not selected)`);
  }
}

async function gitSha(dir: string): Promise<string | null> {
  if (process.env.DWH_GIT_SHA) return process.env.DWH_GIT_SHA;
  try {
    const { stdout } = await promisify(execFile)('git', ['rev-parse', 'HEAD'], { cwd: dir, timeout: 5000 });
    return stdout.trim() || null;
  } catch {
    // not a git checkout (e.g. inside a container image): the column stays null
    return null;
  }
}

function printPlan(
  print: Printer,
  project: LoadedProject,
  config: ResolvedConfig,
  warehouse: Warehouse,
  window: LoadWindow,
  selected: Set<string> | undefined,
): void {
  const { parameters, ref } = project;
  print(`Plan for ${ref.group}/${ref.name} v${parameters.version} (dry run: nothing is written)`);
  print(`  environment  ${config.environment}`);
  print(`  database     ${warehouse.description}`);
  print(
    `  target       ${parameters.target.database} ${parameters.target.schema}.${parameters.target.table}`,
  );
  print(`  load type    ${window.loadType}`);
  print(`  window       ${window.start.toISOString()} → ${window.end.toISOString()}`);
  print(`  previous max ${window.previousMaxDate?.toISOString() ?? '(none)'}`);
  const kind = plannedScope(
    project.plan.map((p) => p.task.name),
    selected,
  ).kind;
  print(`  run kind     ${kind}${kind === 'partial' ? ' (--tasks): not the base of the next window' : ''}`);
  print('  tasks, in order:');
  project.plan.forEach(({ task, dependsOn }, i) => {
    const notes: string[] = [];
    if (task.options.enabled === false) notes.push('disabled');
    if (task.branch) notes.push('branch');
    if (task.options.triggerRule && task.options.triggerRule !== 'all_success')
      notes.push(task.options.triggerRule);
    if (selected && !selected.has(task.name)) notes.push('not selected');
    if (selected?.has(task.name)) {
      const missing = dependsOn.filter((d) => !selected.has(d));
      if (missing.length) notes.push(`runs without ${missing.join(', ')} (not selected)`);
    }
    const deps = dependsOn.length ? ` ← ${dependsOn.join(', ')}` : '';
    print(
      `    ${String(i + 1).padStart(2)}. ${task.name}${deps}${notes.length ? `  [${notes.join('; ')}]` : ''}`,
    );
  });
}

function printSummary(
  print: Printer,
  runId: number,
  status: string,
  kind: RunKind,
  result: RunnerResult,
): void {
  print('');
  print(
    `run ${runId}: ${status.toUpperCase()}${kind === 'partial' ? ' (partial)' : ''} — ${result.records} records`,
  );
  const width = Math.max(4, ...result.tasks.map((t) => t.name.length));
  print(`  ${'task'.padEnd(width)}  ${'status'.padEnd(15)}  attempts  ${'records'.padStart(9)}  duration`);
  for (const t of result.tasks) {
    print(
      `  ${t.name.padEnd(width)}  ${t.status.padEnd(15)}  ${String(t.attempts).padStart(8)}  ${String(t.records).padStart(9)}  ${(t.durationMs / 1000).toFixed(2)} s${t.error ? `  ${t.error}` : ''}`,
    );
    for (const warning of t.warnings) print(`  ${' '.repeat(width)}  warning: ${warning}`);
  }
}
