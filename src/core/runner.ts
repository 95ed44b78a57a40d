import type { Logger } from 'pino';
import { followedTasks } from './branching.js';
import type { ProjectParameters } from './define-project.js';
import { DwhError, EXIT, errorMessage } from './errors.js';
import { ReadyQueue, type QueueDecision } from './ready-queue.js';
import { runRecordTotal } from './run-records.js';
import { runTaskAttempts, type RunnerHooks } from './task-attempts.js';
import type { PlannedTask } from './task-graph.js';
import { NameResolver } from './task-groups.js';
import { reusedOutcome, type ReusedTask } from './reused-task.js';
import { newOutcome, type TaskOutcome } from './task-outcome.js';
import { maxDate, minDate } from './task-report.js';
import { upstreamReader } from './task-values.js';

export type { RunnerHooks } from './task-attempts.js';
export type { TaskOutcome } from './task-outcome.js';

export interface RunnerResult {
  status: 'success' | 'failed';
  /** In plan order. */
  tasks: TaskOutcome[];
  /** Records loaded into the project's target (see runRecordTotal); per-task counts are in `tasks`. */
  records: number;
  rejected: number;
  dataMinDate: Date | null;
  dataMaxDate: Date | null;
  /** The first task failure in plan order, for etl_runs.error_message. */
  error: string | null;
}

export interface RunnerOptions {
  project: ProjectParameters;
  plan: PlannedTask[];
  /** `--tasks`: only these run; unselected dependencies are left out of their upstream. (Default: all) */
  selected?: ReadonlySet<string>;
  /** How many tasks run at once (`--parallel`). (Default: the project's maxParallelTasks) */
  maxParallel?: number;
  hooks: RunnerHooks;
  log: Logger;
  /** Aborted on SIGINT/SIGTERM: the running attempts are aborted and nothing else starts. */
  interrupt?: AbortSignal;
  /**
   * A resumed run: the tasks it does not run again, as their successful attempt in an earlier run ended
   * (see reused-task.ts). They count as succeeded from the start: their values, data dates, branch choices
   * and short-circuits apply; they get no attempt here, and their records are not this run's. (Default: none)
   */
  reused?: ReadonlyMap<string, ReusedTask>;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** failFast: a task failed, so the run aborts the tasks still running and starts no other. */
class FailFastError extends DwhError {
  constructor(readonly task: string) {
    super('INTERRUPTED', `task '${task}' failed and the project has failFast: aborted`, {
      exitCode: EXIT.runFailed,
    });
  }
}

/**
 * Executes the planned tasks, up to `maxParallel` at once. Whenever a slot is free, the first task in factory
 * order that can be decided is decided (ready-queue.ts): started, or recorded as disabled, skipped or
 * upstream_failed per its trigger rule (trigger-rules.ts). With one slot this is exactly the planned order.
 * Each attempt is reported through the hooks (task-attempts.ts). A failure does not stop the tasks running
 * beside it, unless the project sets `failFast`: then they are aborted (`failed`, with the reason) and the
 * tasks not started stay `not_run`. A branch skips the direct downstream tasks it does not follow; a task
 * returning `{ skipDownstream: true }` skips every task downstream of it. Reused tasks (a resumed run) are
 * settled before the first task starts, as if they had just succeeded.
 */
export async function runTasks(options: RunnerOptions): Promise<RunnerResult> {
  const { plan, hooks, log, project } = options;
  const maxParallel = options.maxParallel ?? project.maxParallelTasks;
  const included = plan.filter(({ task }) => !options.selected || options.selected.has(task.name));
  const reused = new Map(
    [...(options.reused ?? [])].filter(([name]) => included.some((p) => p.task.name === name)),
  );
  const queue = new ReadyQueue(plan, options.selected, new Set(reused.keys()));
  const resolver = NameResolver.ofPlan(plan);
  const outcomes = new Map<string, TaskOutcome>();
  for (const { task } of included) {
    const earlier = reused.get(task.name);
    const description = task.options.description;
    outcomes.set(
      task.name,
      earlier ? reusedOutcome(task.name, description, earlier) : newOutcome(task.name, description),
    );
  }
  const totals = { rejected: 0, min: null as Date | null, max: null as Date | null };
  const widen = (min: Date | null, max: Date | null) => {
    totals.min = minDate(totals.min, min);
    totals.max = maxDate(totals.max, max);
  };
  /** What a task that succeeded (or is reused) ordered for the tasks after it. */
  const skipAfter = (
    planned: PlannedTask,
    shortCircuit: { nothingToDo: boolean } | null,
    follow: string[] | null,
  ) => {
    const name = planned.task.name;
    if (shortCircuit) {
      const nothing = shortCircuit.nothingToDo ? ': nothing to do' : '';
      queue.forceSkip(queue.allDownstreamOf(name), {
        reason: `task '${name}' skipped its downstream tasks (skipDownstream${nothing})`,
        complete: shortCircuit.nothingToDo,
      });
    }
    if (follow) {
      const notFollowed = queue.directDownstreamOf(name).filter((t) => !follow.includes(t));
      queue.forceSkip(notFollowed, {
        reason: `branch '${name}' followed ${follow.join(', ') || 'no task'}`,
        complete: planned.task.branch?.nothingToDo === true,
      });
    }
  };
  for (const planned of included) {
    const report = reused.get(planned.task.name)?.report;
    if (!report) continue;
    widen(toDate(report.dataMinDate), toDate(report.dataMaxDate));
    skipAfter(planned, report.skipDownstream ? report : null, report.follow);
  }
  // tasks failFast aborted: their failure is not a cause of the run's
  const abortedByFailFast = new Set<string>();
  if (!Number.isInteger(maxParallel) || maxParallel < 1)
    throw new DwhError('USAGE', `maxParallelTasks must be a whole number ≥ 1 (got ${String(maxParallel)})`);

  // one signal for everything that stops the run: the interrupt, or failFast after a failure
  const stop = new AbortController();
  const onInterrupt = () => stop.abort(options.interrupt?.reason);
  if (options.interrupt?.aborted) onInterrupt();
  else options.interrupt?.addEventListener('abort', onInterrupt, { once: true });

  const running = new Map<string, Promise<void>>();
  let fatal: { error: unknown } | null = null;

  const start = (planned: PlannedTask) => {
    const name = planned.task.name;
    const outcome = outcomes.get(name)!;
    const work = runTaskAttempts({
      planned,
      project,
      hooks,
      log,
      stop: stop.signal,
      sleep: options.sleep ?? abortableSleep,
      outcome,
      follow: (returned) => followedTasks(planned, returned, queue.directDownstreamOf(name), resolver),
      upstream: upstreamReader(plan, resolver, outcomes, name),
    }).then(
      ({ reported, follow, stopped }) => {
        if (stopped && stop.signal.reason instanceof FailFastError) abortedByFailFast.add(name);
        // a task that skipped itself (a sensor with softFail) is followed like any skip: all_success after it
        // is skipped too
        if (outcome.status === 'skipped') queue.finished(name, 'skipped', outcome.skip ?? null);
        else queue.finished(name, outcome.status === 'success' ? 'success' : 'failed');
        if (reported) {
          totals.rejected += reported.rejected;
          widen(reported.min, reported.max);
        }
        skipAfter(planned, reported?.skipDownstream ? reported : null, follow);
        if (outcome.status === 'failed' && !stopped && project.failFast && !stop.signal.aborted) {
          log.warn(`failFast: task '${name}' failed; aborting the running tasks and starting no other`);
          stop.abort(new FailFastError(name));
        }
      },
      (error: unknown) => {
        // an audit write failed: the run cannot go on recording
        fatal ??= { error };
        if (!stop.signal.aborted) stop.abort(error);
      },
    );
    running.set(
      name,
      work.finally(() => running.delete(name)),
    );
  };

  const record = async (planned: PlannedTask, decision: Exclude<QueueDecision, { kind: 'run' }>) => {
    const name = planned.task.name;
    const outcome = outcomes.get(name)!;
    if (decision.kind === 'disabled') {
      outcome.status = 'disabled';
      queue.finished(name, 'disabled');
      await hooks.taskSkipped(name, 'disabled', 'disabled in the factory');
      log.info({ task: name }, 'disabled: skipped');
    } else if (decision.kind === 'skipped') {
      outcome.status = 'skipped';
      outcome.skip = decision.skip;
      outcome.error = decision.skip.reason;
      queue.finished(name, 'skipped', decision.skip);
      await hooks.taskSkipped(name, 'skipped', decision.skip.reason);
      log.info({ task: name }, `skipped: ${decision.skip.reason}`);
    } else {
      outcome.status = 'upstream_failed';
      outcome.error = decision.reason;
      queue.finished(name, 'upstream_failed');
      await hooks.taskSkipped(name, 'upstream_failed', decision.reason);
      log.warn({ task: name }, `upstream_failed: ${decision.reason}`);
    }
  };

  try {
    for (;;) {
      while (!stop.signal.aborted && running.size < maxParallel) {
        const next = queue.take();
        if (!next) break;
        if (next.decision.kind === 'run') start(next.planned);
        else await record(next.planned, next.decision);
      }
      if (running.size === 0) break;
      await Promise.race(running.values());
    }
  } catch (error) {
    // a failed audit write of a skip: let the running tasks end before giving up
    fatal ??= { error };
    if (!stop.signal.aborted) stop.abort(error);
    await Promise.all(running.values());
  } finally {
    options.interrupt?.removeEventListener('abort', onInterrupt);
  }
  if (fatal) throw fatal.error;

  const tasks = [...outcomes.values()];
  // the first failure in plan order (whatever finished first), not counting the tasks failFast aborted
  const cause = tasks.find((t) => t.status === 'failed' && !abortedByFailFast.has(t.name));
  let firstError = cause ? `task '${cause.name}': ${cause.error}` : null;
  if (options.interrupt?.aborted) firstError ??= `interrupted: ${errorMessage(options.interrupt.reason)}`;
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

const toDate = (iso: string | null) => (iso === null ? null : new Date(iso));

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
