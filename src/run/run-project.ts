import { plannedScope } from '../audit/run-kind.js';
import { loadConfig, type ResolvedConfig } from '../core/config.js';
import { EXIT, UsageError } from '../core/errors.js';
import { planCheckContext, validatePlan } from '../core/plan-validation.js';
import { findProject, loadProject, type LoadedProject } from '../core/project-loader.js';
import type { LoadType } from '../core/types.js';
import { openWarehouse, warehouseTarget } from '../db/connection.js';
import { redactText } from '../logging/redact.js';
import { loadEmailSettings } from '../notify/email-settings.js';
import { executeRun } from './execute-run.js';
import { planWindow, type WindowRequest } from './plan-window.js';
import { parseParallel, warehousePoolSize } from '../core/parallelism.js';
import { selectTasks } from '../core/task-groups.js';
import { projectRunParams } from '../core/run-params.js';
import type { Printer, RunReport } from './run-report.js';
import { planResume } from './resume-run.js';
import { withRunSession } from './run-session.js';

export type { Printer, RunPlan, RunReport } from './run-report.js';

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
   * Run parameters, parsed by the project's `params` schema (`--param name=value` gives strings); an unknown key
   * or a bad value is a ConfigError (exit 2) before anything is written. (Default: the schema's defaults)
   */
  params?: Readonly<Record<string, unknown>>;
  /**
   * Resume a failed or crashed run (`--resume [runId]`): `true` the project's latest run, a number that run. The
   * new run takes the window, load type, `--tasks` selection and parameters of the run it resumes (`params`
   * override them), reuses the tasks that succeeded and runs the others again (see resume-run.ts). It cannot be
   * combined with `loadType`, `startDate`, `endDate`, `tasks` or `dryRun` (a UsageError, exit 2). (Default: a new
   * window)
   */
  resume?: true | number;
}

/**
 * One run of a project: load it, open the warehouse, take the project's lock, recover crashed runs, compute
 * the window, record the run, apply alter_tables.sql, execute the tasks, record the outcome. Errors before the
 * run row exists are thrown (exit 2/3); after, they end the run as `failed`. A dry run writes nothing: its
 * report carries the plan. The printer gets the lines the run itself has to say (a wait for another run);
 * the plan and the summary are the caller's to show from the report (src/cli/run-console.ts).
 */
export async function runProject(request: RunRequest, printer: Printer = () => {}): Promise<RunReport> {
  if (request.resume !== undefined) return resumeProject(request, request.resume, printer);
  const print: Printer = (line) => printer(redactText(line));
  const { config, ref, project, params } = await loadRunProject(request);
  const selected = request.tasks?.length
    ? selectTasks(project.plan, request.tasks, project.ref.name)
    : undefined;
  const { parallel, email } = runSettings(request, project, config);
  const windowRequest = windowRequestOf(request, request.loadType ?? project.parameters.loadType);
  if (request.dryRun) return planRun(config, project, windowRequest, selected);
  return withRunSession(
    config,
    ref.name,
    sessionOptions(request, ref.name, parallel, print),
    async (session) => {
      const window = await planWindow(session.warehouse, project, windowRequest, { readOnly: false });
      return executeRun({
        config,
        project,
        session,
        window,
        selected,
        parallel,
        email,
        console: request.console !== false,
        crashed: session.crashed,
        params,
        ...(request.backfillId === undefined ? {} : { backfillId: request.backfillId }),
      });
    },
  );
}

/** `runProject` with `resume`: the window, selection and parameters come from the run resumed. */
async function resumeProject(
  request: RunRequest,
  resume: true | number,
  printer: Printer,
): Promise<RunReport> {
  const given = {
    loadType: request.loadType !== undefined,
    startDate: request.startDate !== undefined,
    endDate: request.endDate !== undefined,
    tasks: Boolean(request.tasks?.length),
    dryRun: request.dryRun === true,
  };
  const conflicts = (Object.keys(given) as (keyof typeof given)[]).filter((key) => given[key]);
  if (conflicts.length)
    throw new UsageError(
      `--resume takes the window and tasks of the run it resumes: it cannot be combined with ${conflicts.map((key) => RESUME_CONFLICTS[key]).join(', ')}`,
    );
  if (resume !== true && (!Number.isInteger(resume) || resume < 1))
    throw new UsageError(`--resume: '${String(resume)}' is not a run id (a whole number ≥ 1)`);
  const print: Printer = (line) => printer(redactText(line));
  const { config, ref, project } = await loadCheckedProject(request);
  const { parallel, email } = runSettings(request, project, config);
  return withRunSession(
    config,
    ref.name,
    sessionOptions(request, ref.name, parallel, print),
    async (session) => {
      const plan = await planResume(session.warehouse, config, project, {
        runId: resume === true ? null : resume,
        ...(request.params ? { params: request.params } : {}),
      });
      return executeRun({
        config,
        project,
        session,
        window: plan.window,
        selected: plan.selected,
        parallel,
        email,
        console: request.console !== false,
        crashed: session.crashed,
        params: plan.params,
        resume: plan,
      });
    },
  );
}

/**
 * How many tasks run at once (`parallel`, else the project's maxParallelTasks) and the e-mail settings (null
 * with `email: false`). A bad smtp/recipients section stops the run before it starts, not after its work.
 */
function runSettings(request: RunRequest, project: LoadedProject, config: ResolvedConfig) {
  return {
    parallel:
      request.parallel === undefined ? project.parameters.maxParallelTasks : parseParallel(request.parallel),
    email: request.email === false ? null : loadEmailSettings(config),
  };
}

/** The options of a request that conflict with `resume`, as `dwh run` names them. */
const RESUME_CONFLICTS = {
  loadType: '--load-type',
  startDate: '--start-date',
  endDate: '--end-date',
  tasks: '--tasks',
  dryRun: '--dry-run',
} as const;

function sessionOptions(request: RunRequest, project: string, parallel: number, print: Printer) {
  return {
    command: `run ${project}`,
    onWait: print,
    poolSize: warehousePoolSize(parallel),
    ...(request.waitForLockMs === undefined ? {} : { waitForLockMs: request.waitForLockMs }),
  };
}

/** `dwh.yaml` of the home the request points at, for its environment. */
function loadRunConfig(request: {
  environment?: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}): ResolvedConfig {
  return loadConfig({
    ...(request.environment ? { environment: request.environment } : {}),
    ...(request.env ? { env: request.env } : {}),
    ...(request.cwd ? { cwd: request.cwd } : {}),
  });
}

/**
 * The configuration, the project and its run parameters, checked as `dwh run` and `dwh backfill` check them
 * before anything is written: options, mappings, validation.yaml, the connectors the tasks name, `--param`.
 */
export async function loadRunProject(request: {
  project: string;
  environment?: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  params?: Readonly<Record<string, unknown>>;
}): Promise<{
  config: ResolvedConfig;
  ref: LoadedProject['ref'];
  project: LoadedProject;
  params: ReturnType<typeof projectRunParams>;
}> {
  const { config, ref, project } = await loadCheckedProject(request);
  const params = projectRunParams(project, request.params, config.paths.home);
  return { config, ref, project, params };
}

/** The configuration and the project, checked; its run parameters are the caller's to resolve. */
async function loadCheckedProject(request: {
  project: string;
  environment?: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}): Promise<{ config: ResolvedConfig; ref: LoadedProject['ref']; project: LoadedProject }> {
  const config = loadRunConfig(request);
  const ref = findProject(config.paths.projectsDir, request.project);
  const project = await loadProject(ref, {
    home: config.paths.home,
    overrides: config.settings.projects[ref.name],
  });
  validatePlan(project, planCheckContext(config, ref.dir));
  return { config, ref, project };
}

function windowRequestOf(request: RunRequest, loadType: LoadType): WindowRequest {
  return {
    loadType,
    ...(request.now ? { now: request.now } : {}),
    ...(request.startDate ? { startDate: request.startDate } : {}),
    ...(request.endDate ? { endDate: request.endDate } : {}),
  };
}

/** A dry run: the window and the plan, read from a warehouse that is neither migrated nor locked. */
async function planRun(
  config: ResolvedConfig,
  project: LoadedProject,
  request: WindowRequest,
  selected: Set<string> | undefined,
): Promise<RunReport> {
  const warehouse = await openWarehouse({
    ...warehouseTarget(config),
    command: `run ${project.ref.name}`,
  });
  try {
    const window = await planWindow(warehouse, project, request, { readOnly: true });
    const factoryTasks = project.plan.map((p) => p.task.name);
    return {
      runId: null,
      project,
      config,
      window,
      status: 'planned',
      kind: plannedScope(factoryTasks, selected).kind,
      result: null,
      error: null,
      logFile: null,
      exitCode: EXIT.success,
      plan: { database: warehouse.description, ...(selected ? { selected } : {}) },
    };
  } finally {
    await warehouse.close();
  }
}
