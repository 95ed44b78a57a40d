import os from 'node:os';
import type { Logger } from 'pino';
import { settleResumedWindow } from '../audit/backfill-store.js';
import { listDqResults } from '../audit/dq-result-store.js';
import { finalKind, plannedScope, type RunKind, type RunScope } from '../audit/run-kind.js';
import { heartbeatInterval } from '../audit/run-liveness.js';
import { finishRun, insertRun, setEmailStatus } from '../audit/run-store.js';
import type { ResolvedConfig } from '../core/config.js';
import type { ProjectParameters } from '../core/define-project.js';
import { EXIT, errorMessage } from '../core/errors.js';
import { createOutputWriter, outputDir } from '../core/output.js';
import type { LoadedProject } from '../core/project-loader.js';
import type { LoadWindow } from '../core/types.js';
import { databaseIdentity } from '../db/database-identity.js';
import type { RunLoggerOptions } from '../logging/logger.js';
import { redactText, redactValue } from '../logging/redact.js';
import { applyLogRetention } from '../logging/retention.js';
import { logDir, newLogFile } from '../logging/run-log.js';
import type { EmailSettings } from '../notify/email-settings.js';
import { notifyRun } from '../notify/notify-run.js';
import { executeTasks, type TasksOutcome } from './execute-tasks.js';
import { unselectedDependencies } from './plan-window.js';
import { RunLogError, guardRun, type RunGuard } from './run-guard.js';
import { resumeText, type ResumePlan } from './resume-run.js';
import type { RunReport } from './run-report.js';
import type { RunSession } from './run-session.js';
import { gitSha } from './git-sha.js';

export interface ExecuteInput {
  config: ResolvedConfig;
  project: LoadedProject;
  session: RunSession;
  window: LoadWindow;
  /** The tasks `--tasks` selects. (Default: every task) */
  selected: Set<string> | undefined;
  /** How many ready tasks run at once. */
  parallel: number;
  /** Null with `--no-email`. */
  email: EmailSettings | null;
  /** Human-readable log lines on the console. */
  console: boolean;
  /** Runs the session marked crashed, named in this run's log. */
  crashed: readonly number[];
  /** The backfill this run is a window of. (Default: none) */
  backfillId?: number;
  /** The run parameters, validated (see core/run-params.ts); stored under `params` in etl_runs.parameters. */
  params: Readonly<Record<string, unknown>>;
  /** A resumed run (`--resume`): the run it resumes and the tasks it reuses. (Default: a new run) */
  resume?: Pick<ResumePlan, 'from' | 'chain' | 'reused' | 'again' | 'notes'>;
}

/** The run row as it was started. */
interface StartedRun {
  runId: number;
  logFile: string;
  startedAt: Date;
  gitSha: string | null;
  factoryTasks: string[];
  scope: RunScope;
}

/** The run row as it was finished. */
interface FinishedRun {
  status: 'success' | 'failed';
  kind: RunKind;
}

/**
 * One run inside an open session: records the run, executes its tasks, records the outcome, sends the e-mail,
 * cleans up after it. Errors before the run row exists are thrown; after, they end the run as `failed`.
 */
export async function executeRun(input: ExecuteInput): Promise<RunReport> {
  // pino is loaded by runs only, not by every `import 'dwh'`
  const { createRunLogger } = await import('../logging/logger.js');
  const run = await startRun(input);
  const { log, guard } = openRunLog(input, run, createRunLogger);
  const output = createOutputWriter(outputDir(input.config.paths.metadataDir, input.project.ref.name));
  const outcome = await executeTasks({
    config: input.config,
    project: input.project,
    warehouse: input.session.warehouse,
    runId: run.runId,
    window: input.window,
    selected: input.selected,
    parallel: input.parallel,
    log,
    guard,
    output,
    params: input.params,
    ...(input.resume ? { reused: input.resume.reused } : {}),
  });
  const finished = await finishTheRun(input, run, outcome, log);
  if (input.resume && finished.status === 'success') await settleBackfillWindow(input, run.runId, log);
  const emailStatus = await notify(input, run, outcome, finished.status, log);
  if (!input.project.parameters.keepOutput) output.removeAll();
  applyRetention(input, run, log);
  log.flush();
  const { result, error } = outcome;
  return {
    runId: run.runId,
    project: input.project,
    config: input.config,
    window: input.window,
    status: finished.status,
    kind: finished.kind,
    result,
    error,
    logFile: run.logFile,
    exitCode: finished.status === 'success' ? EXIT.success : EXIT.runFailed,
    emailStatus,
    ...(input.resume ? { resumedFrom: input.resume.from.run_id } : {}),
  };
}

/** Inserts the run row (status `running`) and names the run in the project's lock. */
async function startRun(input: ExecuteInput): Promise<StartedRun> {
  const { config, project, session, window } = input;
  const { parameters, ref } = project;
  const logFile = newLogFile(config.paths.metadataDir, ref.name, await databaseIdentity(session.warehouse));
  const startedAt = new Date();
  const sha = await gitSha(ref.dir);
  const factoryTasks = project.plan.map((p) => p.task.name);
  const scope = plannedScope(factoryTasks, input.selected);
  const runId = await insertRun(session.warehouse, {
    project: ref.name,
    environment: config.environment,
    version: parameters.version,
    window,
    targetDatabase: parameters.target.database,
    targetTable: `${parameters.target.schema}.${parameters.target.table}`,
    gitSha: sha,
    parameters: recordedParameters(parameters, input.params),
    scope,
    ...(input.backfillId === undefined ? {} : { backfillId: input.backfillId }),
    ...(input.resume ? { resumedFrom: input.resume.from.run_id } : {}),
  });
  session.lock.annotate(runId);
  return { runId, logFile, startedAt, gitSha: sha, factoryTasks, scope };
}

/**
 * etl_runs.parameters: the project's parameters (without the params schema, which is code) and, when the
 * project declares params, the run's values under `params`; secrets masked.
 */
function recordedParameters(
  parameters: ProjectParameters,
  params: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  const { params: schema, ...rest } = parameters;
  const recorded = JSON.parse(JSON.stringify(rest)) as Record<string, unknown>;
  return redactValue(schema ? { ...recorded, params } : recorded);
}

/** The run's guard (signals, heartbeat, lost lock) and its logger, with the run's first lines. */
function openRunLog(
  input: ExecuteInput,
  run: StartedRun,
  createRunLogger: (options: RunLoggerOptions) => Logger,
): { log: Logger; guard: RunGuard } {
  const { config, project, session, window } = input;
  const { parameters, ref } = project;
  // installed before anything else can fail, so that every failure from here on ends the run row
  let log: Logger | null = null;
  const guard = guardRun({
    project: ref.name,
    runId: run.runId,
    warehouse: session.warehouse,
    lock: session.lock,
    heartbeatMs: heartbeatInterval(),
    log: () => log,
    logFile: run.logFile,
  });
  log = createRunLogger({
    file: run.logFile,
    console: input.console,
    bindings: { project: ref.name, runId: run.runId },
    onFileError: (error) => guard.fail(new RunLogError(run.logFile, error)),
  });
  for (const id of input.crashed) log.warn(`run ${id} of ${ref.name} had lost its process: marked crashed`);
  log.info(
    `run ${run.runId} started: ${ref.group}/${ref.name} v${parameters.version}, env ${config.environment}, ` +
      `load type ${window.loadType}, window ${window.start.toISOString()} → ${window.end.toISOString()}, database ${session.warehouse.description}`,
  );
  if (input.resume) {
    const { from, reused, again, notes } = input.resume;
    for (const note of notes) log.warn(note);
    log.info(resumeText(from.run_id, [...reused.keys()], again));
  }
  if (input.selected) noteSelection(log, project, input.selected);
  return { log, guard };
}

function noteSelection(log: Logger, project: LoadedProject, selected: Set<string>): void {
  log.info(`--tasks: running only ${[...selected].join(', ')}`);
  for (const { task, dependsOn } of project.plan) {
    if (!selected.has(task.name)) continue;
    const missing = unselectedDependencies(dependsOn, selected);
    if (missing.length)
      log.warn({ task: task.name }, `runs without its dependencies ${missing.join(', ')} (not selected)`);
  }
}

/** Records the outcome in the run row, unless another process (crash recovery) ended the row already. */
async function finishTheRun(
  input: ExecuteInput,
  run: StartedRun,
  outcome: TasksOutcome,
  log: Logger,
): Promise<FinishedRun> {
  const { runId } = run;
  const { result, error } = outcome;
  const status = result?.status === 'success' && error === null ? 'success' : 'failed';
  const kind = result ? finalKind(run.scope, run.factoryTasks, result.tasks) : run.scope.kind;
  if (kind === 'partial' && status === 'success')
    log.warn(`run ${runId} is partial: the next incremental run does not start from its window`);
  const finished = await finishRun(input.session.warehouse, runId, {
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
  return { status, kind };
}

/** A resumed window of a backfill is that window's success: running the same backfill again continues after it. */
async function settleBackfillWindow(input: ExecuteInput, runId: number, log: Logger): Promise<void> {
  try {
    const settled = await settleResumedWindow(input.session.warehouse, input.resume!.chain, runId);
    for (const { backfillId, index } of settled)
      log.info(`backfill ${backfillId}: window ${index} is successful with this run`);
  } catch (thrown) {
    log.warn(`could not record the resumed window in its backfill: ${errorMessage(thrown)}`);
  }
}

/** Sends the run's e-mail as configured and records what became of it in etl_runs.email_status. */
async function notify(
  input: ExecuteInput,
  run: StartedRun,
  outcome: TasksOutcome,
  status: FinishedRun['status'],
  log: Logger,
): Promise<string> {
  const { config, project, window } = input;
  const { warehouse } = input.session;
  const { parameters, ref } = project;
  const { runId } = run;
  const { result } = outcome;
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
      startedAt: run.startedAt,
      endedAt: new Date(),
      target: `${parameters.target.database} ${parameters.target.schema}.${parameters.target.table}`,
      gitSha: run.gitSha,
    },
    result,
    runError: outcome.runError,
    logFile: run.logFile,
    log,
  });
  await setEmailStatus(warehouse, runId, emailStatus).catch((thrown: unknown) =>
    log.warn(`could not record email_status of run ${runId}: ${errorMessage(thrown)}`),
  );
  return emailStatus;
}

/** Deletes the project's log files older than its logRetention; never the log of this run. */
function applyRetention(input: ExecuteInput, run: StartedRun, log: Logger): void {
  const { config, project } = input;
  const deleted = applyLogRetention(
    logDir(config.paths.metadataDir, project.ref.name),
    project.parameters.logRetention,
    new Date(),
    run.logFile,
  );
  if (deleted.length) log.info(`log retention: deleted ${deleted.length} old log file(s)`);
}
