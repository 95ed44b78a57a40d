import { plannedScope } from '../audit/run-kind.js';
import { loadConfig, type ResolvedConfig } from '../core/config.js';
import { EXIT } from '../core/errors.js';
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
}

/**
 * One run of a project: load it, open the warehouse, take the project's lock, recover crashed runs, compute
 * the window, record the run, apply alter_tables.sql, execute the tasks, record the outcome. Errors before the
 * run row exists are thrown (exit 2/3); after, they end the run as `failed`. A dry run writes nothing: its
 * report carries the plan. The printer gets the lines the run itself has to say (a wait for another run);
 * the plan and the summary are the caller's to show from the report (src/cli/run-console.ts).
 */
export async function runProject(request: RunRequest, printer: Printer = () => {}): Promise<RunReport> {
  const print: Printer = (line) => printer(redactText(line));
  const { config, ref, project, params } = await loadRunProject(request);
  const selected = request.tasks?.length
    ? selectTasks(project.plan, request.tasks, project.ref.name)
    : undefined;
  const parallel =
    request.parallel === undefined ? project.parameters.maxParallelTasks : parseParallel(request.parallel);
  // a bad smtp/recipients section stops the run before it starts, not after its work is done
  const email = request.email === false ? null : loadEmailSettings(config);
  const windowRequest = windowRequestOf(request, request.loadType ?? project.parameters.loadType);
  if (request.dryRun) return planRun(config, project, windowRequest, selected);
  const options = {
    command: `run ${ref.name}`,
    onWait: print,
    poolSize: warehousePoolSize(parallel),
    ...(request.waitForLockMs === undefined ? {} : { waitForLockMs: request.waitForLockMs }),
  };
  return withRunSession(config, ref.name, options, async (session) => {
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
  });
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
  const config = loadRunConfig(request);
  const ref = findProject(config.paths.projectsDir, request.project);
  const project = await loadProject(ref, {
    home: config.paths.home,
    overrides: config.settings.projects[ref.name],
  });
  validatePlan(project, planCheckContext(config, ref.dir));
  const params = projectRunParams(project, request.params, config.paths.home);
  return { config, ref, project, params };
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
