import { migrate } from '../audit/migrate.js';
import { lastSuccessfulRun } from '../audit/run-store.js';
import { truncate } from '../audit/window.js';
import { loadConfig } from '../core/config.js';
import { EXIT, UsageError, WindowError, type ExitCode } from '../core/errors.js';
import { createOutputWriter, outputDir } from '../core/output.js';
import { findProject, loadProject, type LoadedProject } from '../core/project-loader.js';
import { projectRunParams } from '../core/run-params.js';
import { createTaskContext, type ContextBase } from './task-context.js';
import type { LoadWindow, TaskContext } from '../core/types.js';
import { openWarehouse, warehouseTarget, type Warehouse } from '../db/connection.js';
import {
  isBlockingFailure,
  isChecksTask,
  NO_RUN_ID,
  runChecks,
  isChecksFailedError,
  type ChecksOutcome,
} from '../quality/run-checks.js';
import type { CheckResult } from '../core/check-result.js';
import { hasValidationFile, loadValidationFile, VALIDATION_FILE } from '../quality/validation-file.js';

export interface DqRequest {
  project: string;
  environment?: string;
  startDate?: Date;
  endDate?: Date;
  /** Run parameters for the checks' `ctx.params`, parsed by the project's params schema. (Default: its defaults) */
  params?: Readonly<Record<string, unknown>>;
  /** Check log lines on the console. (Default: false) */
  console?: boolean;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

export interface DqReport {
  project: string;
  window: LoadWindow;
  /** Where each batch came from: a task name or metadata/validation.yaml. */
  sources: string[];
  results: CheckResult[];
  exitCode: ExitCode;
}

/**
 * `dwh dq`: the project's checks without loading. The window is the last successful run's (what was loaded
 * last), else the full-load window; `--start-date` / `--end-date` override it. Results are stored with
 * run_id null.
 */
export async function runDq(request: DqRequest): Promise<DqReport> {
  const config = loadConfig({
    ...(request.environment ? { environment: request.environment } : {}),
    ...(request.env ? { env: request.env } : {}),
    ...(request.cwd ? { cwd: request.cwd } : {}),
  });
  const ref = findProject(config.paths.projectsDir, request.project);
  const project = await loadProject(ref, {
    home: config.paths.home,
    overrides: config.settings.projects[ref.name],
  });
  const tasks = project.plan.filter((p) => isChecksTask(p.task)).map((p) => p.task);
  const withFile = hasValidationFile(ref.dir);
  if (tasks.length === 0 && !withFile) {
    throw new UsageError(
      `project '${ref.name}' declares no checks: add a task with partial(runChecks, [...]) to factory.ts or ` +
        `write ${VALIDATION_FILE}`,
    );
  }
  // read here, not only inside the task: a bad file is a usage error (exit 2) before anything runs
  if (withFile) loadValidationFile(ref.dir);
  // like the file: a bad --param is a usage error before the warehouse is opened
  const params = projectRunParams(project, request.params, config.paths.home);
  const warehouse = await openWarehouse({
    ...warehouseTarget(config),
    command: `dq ${ref.name}`,
  });
  try {
    await migrate(warehouse);
    const window = await dqWindow(warehouse, project, request);
    const { createRunLogger } = await import('../logging/logger.js');
    const log = createRunLogger({
      file: null,
      console: request.console ?? false,
      bindings: { project: ref.name },
    });
    const base: ContextBase = {
      project: project.parameters,
      params,
      projectDir: ref.dir,
      environment: config.environment,
      runId: NO_RUN_ID,
      window,
      warehouse,
      log,
      output: createOutputWriter(outputDir(config.paths.metadataDir, ref.name)),
    };
    const results: CheckResult[] = [];
    const sources: string[] = [];
    let fileDone = false;
    const run = async (name: string, fn: (ctx: TaskContext) => unknown) => {
      const ctx = createTaskContext(base, name, 1, new AbortController().signal, () => {});
      try {
        const outcome = (await fn(ctx)) as ChecksOutcome;
        results.push(...outcome.checks);
        fileDone ||= outcome.fromValidationFile;
      } catch (error) {
        // a failing blocking check throws after storing every result; anything else is a real error
        if (!isChecksFailedError(error)) throw error;
        results.push(...error.results);
        fileDone ||= error.fromValidationFile;
      }
      sources.push(name);
    };
    for (const task of tasks) await run(task.name, task.fn);
    if (withFile && !fileDone) await run(VALIDATION_FILE, (ctx) => runChecks(ctx));
    return {
      project: ref.name,
      window,
      sources,
      results,
      exitCode: results.some(isBlockingFailure) ? EXIT.runFailed : EXIT.success,
    };
  } finally {
    await warehouse.close();
  }
}

async function dqWindow(
  warehouse: Warehouse,
  project: LoadedProject,
  request: DqRequest,
): Promise<LoadWindow> {
  const last = await lastSuccessfulRun(warehouse, project.ref.name);
  const p = project.parameters;
  const start = request.startDate ?? last?.start_load_date ?? p.fullLoadStartDate;
  const end = request.endDate ?? last?.end_load_date ?? truncate(new Date(), p.windowGrain);
  if (start.getTime() >= end.getTime()) {
    throw new WindowError(
      `empty window for the checks: ${start.toISOString()} is not before ${end.toISOString()}`,
    );
  }
  return {
    loadType: last?.load_type ?? p.loadType,
    start,
    end,
    previousMaxDate: last?.previous_max_date ?? null,
  };
}
