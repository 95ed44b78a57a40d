import type { Logger } from 'pino';
import type { ProjectParameters } from './define-project.js';
import { DwhError, TaskTimeoutError, errorDetail, errorMessage } from './errors.js';
import { classifyError } from './retry-class.js';
import { resolveRetryPolicy, retryDelay } from './retry-policy.js';
import { runRecordTotal } from './run-records.js';
import type { PlannedTask } from './task-graph.js';
import type { AttemptStatus, TaskContext, TaskResult } from './types.js';
import { toUtcDate } from './dates.js';

/** Final state of one task in a run. */
export type TaskOutcomeStatus = 'success' | 'failed' | 'upstream_failed' | 'disabled' | 'not_run';

export interface TaskOutcome {
  name: string;
  description: string;
  status: TaskOutcomeStatus;
  attempts: number;
  /** Records of the successful attempt (failed attempts do not count). */
  records: number;
  /** The part of `records` reported with a `table`, per table (see run-records.ts). */
  byTable: Record<string, number>;
  /** Rows the successful attempt set aside as rejects. */
  rejected: number;
  /** What the last attempt reported as worth a reader's attention (e.g. facts mapped to the unknown member). */
  warnings: string[];
  durationMs: number;
  error: string | null;
  /** Message plus stack, for e-mails. */
  errorDetail: string | null;
}

export interface RunnerResult {
  status: 'success' | 'failed';
  tasks: TaskOutcome[];
  /** Records loaded into the project's target (see runRecordTotal); per-task counts are in `tasks`. */
  records: number;
  rejected: number;
  dataMinDate: Date | null;
  dataMaxDate: Date | null;
  /** The first task failure, for etl_runs.error_message. */
  error: string | null;
}

/** What an attempt reported; a failed attempt's counts are stored with it but not added to the run. */
interface AttemptCounts {
  records: number;
  rejected: number;
}

/** What the runner needs from the run around it: audit writes and the context of an attempt. */
export interface RunnerHooks {
  attemptStarted(task: string, attempt: number): Promise<void>;
  attemptEnded(
    task: string,
    attempt: number,
    status: AttemptStatus,
    counts: AttemptCounts,
    error: string | null,
  ): Promise<void>;
  /** A task that gets a row without running: disabled or upstream_failed. */
  taskSkipped(task: string, status: 'disabled' | 'upstream_failed', reason: string): Promise<void>;
  context(
    task: string,
    attempt: number,
    signal: AbortSignal,
    report: (result: TaskResult) => void,
  ): TaskContext;
}

export interface RunnerOptions {
  project: ProjectParameters;
  plan: PlannedTask[];
  /** `--tasks`: only these run; their unselected dependencies count as satisfied. (Default: all) */
  selected?: ReadonlySet<string>;
  hooks: RunnerHooks;
  log: Logger;
  /** Aborted on SIGINT/SIGTERM: the current attempt is aborted and nothing else starts. */
  interrupt?: AbortSignal;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/**
 * Executes the planned tasks one at a time in plan order. A task runs when all its dependencies succeeded or
 * are disabled; otherwise it is `upstream_failed`. Each attempt is reported through the hooks; a task is retried
 * up to `retries` times with exponential backoff; a timeout aborts `ctx.signal` and fails the attempt.
 */
export async function runTasks(options: RunnerOptions): Promise<RunnerResult> {
  const { plan, hooks, log, project } = options;
  const sleep = options.sleep ?? abortableSleep;
  const outcomes = new Map<string, TaskOutcome>();
  const totals: Reported = { records: 0, rejected: 0, min: null, max: null, warnings: [], byTable: {} };
  let firstError: string | null = null;

  for (const { task, dependsOn } of plan) {
    const outcome: TaskOutcome = {
      name: task.name,
      description: task.options.description ?? '',
      status: 'not_run',
      attempts: 0,
      records: 0,
      byTable: {},
      rejected: 0,
      warnings: [],
      durationMs: 0,
      error: null,
      errorDetail: null,
    };
    if (options.selected && !options.selected.has(task.name)) continue;
    outcomes.set(task.name, outcome);
    if (options.interrupt?.aborted) continue;

    if (task.options.enabled === false) {
      outcome.status = 'disabled';
      await hooks.taskSkipped(task.name, 'disabled', 'disabled in the factory');
      log.info({ task: task.name }, 'disabled: skipped');
      continue;
    }
    const blocking = dependsOn.filter((dep) => {
      const status = outcomes.get(dep)?.status;
      return status === 'failed' || status === 'upstream_failed' || status === 'not_run';
    });
    if (blocking.length) {
      outcome.status = 'upstream_failed';
      outcome.error = `upstream task(s) did not succeed: ${blocking.join(', ')}`;
      await hooks.taskSkipped(task.name, 'upstream_failed', outcome.error);
      log.warn({ task: task.name }, `upstream_failed: ${blocking.join(', ')} did not succeed`);
      continue;
    }

    const policy = resolveRetryPolicy(project, task.options);
    const timeoutMs = task.options.timeoutMs ?? project.timeoutMs;
    const started = Date.now();
    for (let attempt = 1; ; attempt++) {
      outcome.attempts = attempt;
      const reported: Reported = { records: 0, rejected: 0, min: null, max: null, warnings: [], byTable: {} };
      const controller = new AbortController();
      const onInterrupt = () => controller.abort(options.interrupt?.reason);
      options.interrupt?.addEventListener('abort', onInterrupt, { once: true });
      const report = (result: TaskResult) => mergeReport(reported, result, task.name);
      await hooks.attemptStarted(task.name, attempt);
      const attemptLog = log.child({ task: task.name, attempt });
      attemptLog.info(attempt === 1 ? 'started' : `started (attempt ${attempt} of ${policy.retries + 1})`);
      const attemptStart = Date.now();
      try {
        const ctx = hooks.context(task.name, attempt, controller.signal, report);
        const result = await runAttempt(() => task.fn(ctx), controller, task.name, timeoutMs);
        // through the context, so the run sees returned results as it sees ctx.report() calls
        if (result) ctx.report(result);
        outcome.warnings = reported.warnings;
        outcome.status = 'success';
        outcome.records = reported.records;
        outcome.byTable = reported.byTable;
        outcome.rejected = reported.rejected;
        totals.rejected += reported.rejected;
        totals.min = minDate(totals.min, reported.min);
        totals.max = maxDate(totals.max, reported.max);
        await hooks.attemptEnded(task.name, attempt, 'success', counts(reported), null);
        attemptLog.info(
          `success in ${Date.now() - attemptStart} ms${reported.records ? `, ${reported.records} records` : ''}`,
        );
        break;
      } catch (thrown) {
        const message = errorMessage(thrown);
        const interrupted = options.interrupt?.aborted ?? false;
        const permanent =
          attempt <= policy.retries && !interrupted ? permanentReason(task, thrown, attempt) : null;
        const retry = attempt <= policy.retries && !interrupted && permanent === null;
        await hooks.attemptEnded(
          task.name,
          attempt,
          retry ? 'up_for_retry' : 'failed',
          counts(reported),
          message,
        );
        if (!retry) {
          outcome.warnings = reported.warnings;
          outcome.status = 'failed';
          outcome.error = message;
          outcome.errorDetail = errorDetail(thrown);
          firstError ??= `task '${task.name}': ${message}`;
          const why = permanent ? ` (not retried: ${permanent})` : '';
          attemptLog.error({ err: asError(thrown) }, `failed after ${attempt} attempt(s): ${message}${why}`);
          break;
        }
        const delay = retryDelay(policy, attempt + 1);
        attemptLog.warn(`attempt ${attempt} failed: ${message}; retrying in ${delay} ms`);
        await sleep(delay, options.interrupt);
      } finally {
        options.interrupt?.removeEventListener('abort', onInterrupt);
        // fences the attempt's ctx (see attempt-fence.ts) and tells work it left behind to stop
        if (!controller.signal.aborted) controller.abort(new Error('the attempt finished'));
      }
    }
    outcome.durationMs = Date.now() - started;
  }

  if (options.interrupt?.aborted) firstError ??= `interrupted: ${errorMessage(options.interrupt.reason)}`;
  const tasks = [...outcomes.values()];
  const failed =
    tasks.some((t) => t.status === 'failed' || t.status === 'upstream_failed') ||
    Boolean(options.interrupt?.aborted);
  return {
    status: failed ? 'failed' : 'success',
    tasks,
    records: runRecordTotal(plan, tasks, project.target),
    rejected: totals.rejected,
    dataMinDate: totals.min,
    dataMaxDate: totals.max,
    error: failed ? (firstError ?? 'a task did not succeed') : null,
  };
}

/** Why a failed attempt is not worth retrying, or null when it is: the task's `retryOn`, else retry-class.ts. */
function permanentReason(task: PlannedTask['task'], thrown: unknown, attempt: number): string | null {
  if (task.options.retryOn) {
    try {
      return task.options.retryOn(thrown, attempt) ? null : "the task's retryOn returned false";
    } catch (error) {
      return `the task's retryOn threw: ${errorMessage(error)}`;
    }
  }
  const decision = classifyError(thrown);
  return decision.retryable ? null : decision.reason;
}

/** Runs one attempt; rejects when the task throws, the timeout passes, or the attempt is aborted. */
function runAttempt(
  fn: () => unknown,
  controller: AbortController,
  task: string,
  timeoutMs: number | undefined,
): Promise<TaskResult | void> {
  return new Promise((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined;
    const onAbort = () =>
      reject(
        controller.signal.reason instanceof Error
          ? controller.signal.reason
          : new Error(String(controller.signal.reason)),
      );
    if (timeoutMs !== undefined) {
      timer = setTimeout(() => controller.abort(new TaskTimeoutError(task, timeoutMs)), timeoutMs);
    }
    controller.signal.addEventListener('abort', onAbort, { once: true });
    const settle = () => {
      clearTimeout(timer);
      controller.signal.removeEventListener('abort', onAbort);
    };
    Promise.resolve()
      .then(fn)
      .then(
        (value) => {
          settle();
          if (controller.signal.aborted) return; // already rejected by the timeout
          resolve(value as TaskResult | void);
        },
        (error: unknown) => {
          settle();
          // non-Errors are kept as they are: errorMessage() describes them for the audit row
          // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
          reject(error);
        },
      );
  });
}

function mergeReport(into: Reported, result: TaskResult, task: string) {
  if (result.rejected !== undefined) {
    if (typeof result.rejected !== 'number' || !Number.isFinite(result.rejected) || result.rejected < 0) {
      throw new DwhError(
        'USAGE',
        `task '${task}' reported rejected = ${String(result.rejected)}; expected a number ≥ 0`,
      );
    }
    into.rejected += result.rejected;
  }
  if (result.records !== undefined) {
    if (typeof result.records !== 'number' || !Number.isFinite(result.records) || result.records < 0) {
      throw new DwhError(
        'USAGE',
        `task '${task}' reported records = ${String(result.records)}; expected a number ≥ 0`,
      );
    }
    into.records += result.records;
    if (result.table !== undefined) {
      if (typeof result.table !== 'string' || result.table === '') {
        throw new DwhError(
          'USAGE',
          `task '${task}' reported table = ${JSON.stringify(result.table)}; expected a table name`,
        );
      }
      into.byTable[result.table] = (into.byTable[result.table] ?? 0) + result.records;
    }
  }
  for (const warning of result.warnings ?? []) into.warnings.push(String(warning));
  into.min = minDate(into.min, toDate(result.dataMinDate, 'dataMinDate', task));
  into.max = maxDate(into.max, toDate(result.dataMaxDate, 'dataMaxDate', task));
}

interface Reported {
  records: number;
  rejected: number;
  min: Date | null;
  max: Date | null;
  warnings: string[];
  byTable: Record<string, number>;
}

const counts = (reported: Reported): AttemptCounts => ({
  records: reported.records,
  rejected: reported.rejected,
});

function toDate(value: Date | string | null | undefined, key: string, task: string): Date | null {
  if (value === null || value === undefined) return null;
  const date = toUtcDate(value);
  if (Number.isNaN(date.getTime())) {
    throw new DwhError(
      'USAGE',
      `task '${task}' reported ${key} = ${JSON.stringify(value)}, which is not a date`,
    );
  }
  return date;
}

const minDate = (a: Date | null, b: Date | null) => (a === null ? b : b === null ? a : a <= b ? a : b);
const maxDate = (a: Date | null, b: Date | null) => (a === null ? b : b === null ? a : a >= b ? a : b);

function asError(thrown: unknown): Error {
  return thrown instanceof Error ? thrown : new Error(errorMessage(thrown));
}

function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
