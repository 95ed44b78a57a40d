import path from 'node:path';
import type { Logger } from 'pino';
import { applyDdlHistory } from '../audit/ddl-history.js';
import { finishAttempt, insertAttempt, insertReusedAttempts } from '../audit/task-run-store.js';
import { createConnectorRegistry } from '../connectors/registry.js';
import type { ResolvedConfig } from '../core/config.js';
import { errorDetail, errorMessage } from '../core/errors.js';
import type { OutputWriter } from '../core/output.js';
import type { ReusedTask } from '../core/reused-task.js';
import type { LoadedProject } from '../core/project-loader.js';
import { runTasks, type RunnerHooks, type RunnerResult } from '../core/runner.js';
import type { LoadWindow } from '../core/types.js';
import type { Warehouse } from '../db/connection.js';
import { redactText, redactValue } from '../logging/redact.js';
import type { RunGuard } from './run-guard.js';
import { createTaskContext, type ContextBase } from './task-context.js';

export interface TasksInput {
  config: ResolvedConfig;
  project: LoadedProject;
  warehouse: Warehouse;
  runId: number;
  window: LoadWindow;
  selected: Set<string> | undefined;
  /** How many ready tasks run at once (maxParallelTasks or --parallel). */
  parallel: number;
  log: Logger;
  guard: RunGuard;
  output: OutputWriter;
  /** The run parameters, validated. */
  params: Readonly<Record<string, unknown>>;
  /** A resumed run: the tasks it reuses, recorded before the task loop starts. (Default: none) */
  reused?: ReadonlyMap<string, ReusedTask>;
}

/** How the tasks went: the runner's result, or the error that stopped the run before the runner returned. */
export interface TasksOutcome {
  /** Null when the run failed outside the task loop (alter_tables.sql, the runner itself). */
  result: RunnerResult | null;
  error: string | null;
  /** The error that stopped the run outside the task loop, for the e-mail. */
  runError: { message: string; detail: string } | null;
}

/**
 * The work of one run: alter_tables.sql, then the task loop, every attempt recorded in dwh.etl_task_runs. The
 * guard is stopped and the run's connectors closed however it ends.
 */
export async function executeTasks(input: TasksInput): Promise<TasksOutcome> {
  const { config, project, warehouse, runId, log, guard } = input;
  const { parameters, ref } = project;
  const connectors = createConnectorRegistry({
    section: config.settings.connectors,
    file: path.relative(config.paths.home, config.paths.configFile),
    environment: config.environment,
    home: config.paths.home,
  });
  try {
    const alterTables = path.join(ref.dir, 'alter_tables.sql');
    const ddl = await applyDdlHistory(
      warehouse,
      ref.name,
      alterTables,
      path.relative(config.paths.home, alterTables),
      runId,
    );
    if (ddl.applied)
      log.info(`alter_tables.sql: ${ddl.applied} statement(s) applied, ${ddl.skipped} already applied`);
    const base: ContextBase = {
      project: parameters,
      params: input.params,
      projectDir: ref.dir,
      environment: config.environment,
      runId,
      window: input.window,
      warehouse,
      log,
      output: input.output,
      connectors,
    };
    const reused = input.reused ?? new Map<string, ReusedTask>();
    await insertReusedAttempts(
      warehouse,
      runId,
      [...reused].map(([task, r]) => ({ task, fromRun: r.fromRun, value: r.value, report: r.report })),
    );
    const result = await runTasks({
      project: parameters,
      plan: project.plan,
      reused,
      ...(input.selected ? { selected: input.selected } : {}),
      maxParallel: input.parallel,
      log,
      interrupt: guard.signal,
      hooks: auditHooks(input, base),
    });
    return { result, error: result.error, runError: null };
  } catch (thrown) {
    const error = errorMessage(thrown);
    log.error({ err: thrown instanceof Error ? thrown : undefined }, `run failed: ${error}`);
    return { result: null, error, runError: { message: error, detail: errorDetail(thrown) } };
  } finally {
    guard.stop();
    for (const problem of await connectors.closeAll()) log.warn(problem);
  }
}

/** The runner writes nothing itself: these hooks record each attempt and watch it through the guard. */
function auditHooks(input: TasksInput, base: ContextBase): RunnerHooks {
  const { project, warehouse, runId, guard } = input;
  return {
    attemptStarted: (task, attempt) => {
      const options = project.plan.find((p) => p.task.name === task)?.task.options;
      guard.attemptStarted(task, attempt, options?.timeoutMs ?? project.parameters.timeoutMs);
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
        pokes: counts.pokes,
        ...('value' in counts ? { value: redactValue(counts.value) } : {}),
        ...(counts.report ? { report: counts.report } : {}),
        ...(counts.selfSkip ? { selfSkip: counts.selfSkip } : {}),
        errorMessage: message && redactText(message),
      });
    },
    taskSkipped: (task, status, reason) =>
      insertAttempt(warehouse, { runId, task, attempt: 1, status, errorMessage: reason }),
    context: (task, attempt, signal, report, upstream) =>
      createTaskContext(base, task, attempt, signal, report, upstream),
  };
}
