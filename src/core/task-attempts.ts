import type { Logger } from 'pino';
import type { ProjectParameters } from './define-project.js';
import { TaskTimeoutError, errorDetail, errorMessage } from './errors.js';
import { classifyError } from './retry-class.js';
import { attemptReport, type AttemptReport } from './reused-task.js';
import { isTaskSkip } from './skip-task.js';
import { resolveRetryPolicy, retryDelay } from './retry-policy.js';
import type { PlannedTask } from './task-graph.js';
import type { TaskOutcome } from './task-outcome.js';
import { checkTaskValue } from './task-values.js';
import { emptyReport, mergeReport, type Reported } from './task-report.js';
import type { AttemptStatus, TaskContext, TaskResult } from './types.js';

/** What an attempt reported; a failed attempt's counts are stored with it but not added to the run. */
interface AttemptCounts {
  records: number;
  rejected: number;
  /** The successful attempt's `{ value }`, checked to be JSON; absent when there is none. */
  value?: unknown;
  /** What the successful attempt reported, for a resumed run (see reused-task.ts); absent otherwise. */
  report?: AttemptReport;
  /** A sensor's pokes in this attempt; null for other tasks. */
  pokes: number | null;
  /** The attempt skipped its task itself (TaskSkipped), not the runner; absent otherwise. */
  selfSkip?: { nothingToDo: boolean };
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
  /** A task that gets a row without running: disabled, upstream_failed or skipped (the reason says why). */
  taskSkipped(
    task: string,
    status: 'disabled' | 'upstream_failed' | 'skipped',
    reason: string,
  ): Promise<void>;
  context(
    task: string,
    attempt: number,
    signal: AbortSignal,
    report: (result: TaskResult) => void,
    upstream: (task: string) => unknown,
  ): TaskContext;
}

export interface TaskRunInput {
  planned: PlannedTask;
  project: ProjectParameters;
  hooks: RunnerHooks;
  log: Logger;
  /** Aborted when the run stops (interrupt, failFast): the running attempt is aborted, no retry starts. */
  stop: AbortSignal;
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Filled in as the attempts go. */
  outcome: TaskOutcome;
  /** For a branch: the tasks it follows, read from what its function returned (throws when it may not). */
  follow: (returned: unknown) => string[];
  /** `ctx.upstream(name)` of this task (see task-values.ts). */
  upstream: (task: string) => unknown;
}

export interface TaskRunResult {
  /** What the successful attempt reported; null when the task failed or skipped itself. */
  reported: Reported | null;
  /** The tasks a successful branch follows; null for other tasks. */
  follow: string[] | null;
  /** The task failed because the run stopped under it (not a failure of its own). */
  stopped: boolean;
}

/**
 * Runs one task: up to `retries + 1` attempts with exponential backoff, each reported through the hooks
 * with its own AbortSignal; a timeout aborts `ctx.signal` and fails the attempt.
 */
export async function runTaskAttempts(input: TaskRunInput): Promise<TaskRunResult> {
  const started = Date.now();
  try {
    return await attempts(input);
  } finally {
    input.outcome.durationMs = Date.now() - started;
  }
}

async function attempts(input: TaskRunInput): Promise<TaskRunResult> {
  const { planned, project, hooks, log, stop, outcome } = input;
  const { task } = planned;
  const policy = resolveRetryPolicy(project, task.options);
  const timeoutMs = task.options.timeoutMs ?? project.timeoutMs;
  for (let attempt = 1; ; attempt++) {
    outcome.attempts = attempt;
    const reported = emptyReport();
    const controller = new AbortController();
    const onStop = () => controller.abort(stop.reason);
    stop.addEventListener('abort', onStop, { once: true });
    const report = (result: TaskResult) => mergeReport(reported, result, task.name);
    // the row exists before the task runs: a task that blocks or kills the process is on record
    await hooks.attemptStarted(task.name, attempt);
    const attemptLog = log.child({ task: task.name, attempt });
    attemptLog.info(attempt === 1 ? 'started' : `started (attempt ${attempt} of ${policy.retries + 1})`);
    const attemptStart = Date.now();
    try {
      const ctx = hooks.context(task.name, attempt, controller.signal, report, input.upstream);
      const returned = await runAttempt(() => task.fn(ctx), controller, task.name, timeoutMs);
      const follow = task.branch ? input.follow(returned) : null;
      // through the context, so the run sees returned results as it sees ctx.report() calls
      if (!task.branch && returned) ctx.report(returned);
      // a value that cannot be stored fails the attempt (not retried)
      if (reported.hasValue) checkTaskValue(task.name, reported.value);
      outcome.value = reported.hasValue ? reported.value : undefined;
      outcome.warnings = reported.warnings;
      outcome.status = 'success';
      outcome.records = reported.records;
      outcome.byTable = reported.byTable;
      outcome.rejected = reported.rejected;
      const stored: AttemptCounts = {
        ...counts(reported),
        ...(reported.hasValue ? { value: reported.value } : {}),
        report: attemptReport(reported, follow),
      };
      await hooks.attemptEnded(task.name, attempt, 'success', stored, null);
      const followed = follow ? `; follows ${follow.join(', ') || 'no task'}` : '';
      const records = reported.records ? `, ${reported.records} records` : '';
      attemptLog.info(`success in ${Date.now() - attemptStart} ms${records}${followed}`);
      return { reported, follow, stopped: false };
    } catch (thrown) {
      const message = errorMessage(thrown);
      const stopped = stop.aborted;
      if (isTaskSkip(thrown) && !stopped) {
        // the task skipped itself (TaskSkipped; a sensor with softFail timed out): not a failure, not retried
        const nothingToDo = thrown.nothingToDo === true;
        await hooks.attemptEnded(
          task.name,
          attempt,
          'skipped',
          { ...counts(reported), selfSkip: { nothingToDo } },
          message,
        );
        outcome.status = 'skipped';
        outcome.skip = { reason: message, complete: nothingToDo };
        outcome.error = message;
        outcome.warnings = reported.warnings;
        attemptLog.info(`skipped: ${message}`);
        return { reported: null, follow: null, stopped: false };
      }
      const permanent = attempt <= policy.retries && !stopped ? permanentReason(task, thrown, attempt) : null;
      const retry = attempt <= policy.retries && !stopped && permanent === null;
      await hooks.attemptEnded(
        task.name,
        attempt,
        retry ? 'up_for_retry' : 'failed',
        counts(reported),
        message,
      );
      if (!retry) {
        const why = permanent ? ` (not retried: ${permanent})` : '';
        failed(outcome, reported, thrown);
        attemptLog.error({ err: asError(thrown) }, `failed after ${attempt} attempt(s): ${message}${why}`);
        return { reported: null, follow: null, stopped };
      }
      const delay = retryDelay(policy, attempt + 1);
      attemptLog.warn(`attempt ${attempt} failed: ${message}; retrying in ${delay} ms`);
      await input.sleep(delay, stop);
      if (stop.aborted) {
        // the row of this attempt stays up_for_retry: the retry it was waiting for never started
        failed(outcome, reported, thrown);
        attemptLog.error(`not retried: the run is stopping (${errorMessage(stop.reason)})`);
        return { reported: null, follow: null, stopped: true };
      }
    } finally {
      if (reported.pokes !== null) outcome.pokes = (outcome.pokes ?? 0) + reported.pokes;
      stop.removeEventListener('abort', onStop);
      // fences the attempt's ctx (see attempt-fence.ts) and tells work it left behind to stop
      if (!controller.signal.aborted) controller.abort(new Error('the attempt finished'));
    }
  }
}

function failed(outcome: TaskOutcome, reported: Reported, thrown: unknown): void {
  outcome.warnings = reported.warnings;
  outcome.status = 'failed';
  outcome.error = errorMessage(thrown);
  outcome.errorDetail = errorDetail(thrown);
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
): Promise<unknown> {
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
          resolve(value);
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

const counts = (reported: Reported): AttemptCounts => ({
  records: reported.records,
  rejected: reported.rejected,
  pokes: reported.pokes,
});

function asError(thrown: unknown): Error {
  return thrown instanceof Error ? thrown : new Error(errorMessage(thrown));
}
