import type { Logger } from 'pino';
import { heartbeat } from '../audit/run-store.js';
import type { RunLock } from '../audit/run-lock.js';
import type { Warehouse } from '../db/connection.js';
import { DwhError, EXIT, RunLockLostError, errorMessage } from '../core/errors.js';
import { startRunWatchdog } from './run-watchdog.js';

/**
 * Everything that can end a run from outside its task loop, turned into one abort of the run: SIGINT, SIGTERM,
 * SIGHUP; an unhandled promise rejection or an uncaught exception (a task's stray promise or callback); the run
 * log failing to write (disk full); the run lock lost; a task blocking the event loop (run-watchdog.ts). The run then stops its current task, starts no other,
 * and ends `failed` with the cause (and its e-mail), instead of the process dying with the row left `running`.
 * The heartbeat is the periodic proof that the run still holds its lock and its row.
 */
export interface RunGuard {
  /** Aborted with the cause when the run must stop. */
  signal: AbortSignal;
  /** Ends the run with this cause (the first cause wins). */
  fail(cause: Error): void;
  /** The attempts that are running (several with parallel tasks): named in messages about stray errors,
   * watched for a blocked event loop. */
  attemptStarted(task: string, attempt: number, timeoutMs: number | undefined): void;
  attemptEnded(task: string, attempt: number): void;
  /** Removes the process handlers and stops the heartbeat. */
  stop(): void;
}

export interface RunGuardOptions {
  project: string;
  runId: number;
  warehouse: Warehouse;
  lock: RunLock;
  heartbeatMs: number;
  /** The run's logger; a function because the guard is installed before the logger exists. */
  log: () => Logger | null;
  logFile: string;
}

/** A stray promise rejection or exception of the run's process. */
class UnhandledTaskError extends DwhError {
  constructor(
    kind: 'unhandled promise rejection' | 'uncaught exception',
    tasks: readonly string[],
    reason: unknown,
  ) {
    super('UNHANDLED', `${kind}${runningTasks(tasks)}: ${errorMessage(reason)}`, {
      cause: reason,
      exitCode: EXIT.runFailed,
    });
  }
}

/** The run log cannot be written (ENOSPC, EFBIG, EIO…). */
export class RunLogError extends DwhError {
  constructor(
    readonly file: string,
    cause: unknown,
  ) {
    super('RUN_LOG', `cannot write the run log ${file}: ${errorMessage(cause)}`, {
      cause,
      exitCode: EXIT.runFailed,
    });
  }
}

/** The tasks a stray error may come from: ` in task 'a'`, ` in one of the tasks 'a', 'b'`, or nothing. */
function runningTasks(tasks: readonly string[]): string {
  if (tasks.length === 0) return '';
  if (tasks.length === 1) return ` in task '${tasks[0]}'`;
  return ` in one of the tasks ${tasks.map((t) => `'${t}'`).join(', ')}`;
}

const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

export function guardRun(options: RunGuardOptions): RunGuard {
  const controller = new AbortController();
  // attempt key → task, in start order; the last ended attempt stays named until another starts
  const running = new Map<string, string>();
  let lastTask: string | null = null;
  const suspects = () => (running.size ? [...new Set(running.values())] : lastTask ? [lastTask] : []);
  const warn = (message: string) => options.log()?.warn(message);
  const fail = (cause: Error) => {
    if (controller.signal.aborted) return;
    // message only: a stack of a project file shows its transpiled source as a data: URL
    options.log()?.error(`stopping the run: ${cause.message}`);
    controller.abort(cause);
  };
  const onSignal = (signal: NodeJS.Signals) => {
    warn(`received ${signal}: stopping after aborting the current task`);
    fail(new DwhError('INTERRUPTED', `received ${signal}`, { exitCode: EXIT.runFailed }));
  };
  const onRejection = (reason: unknown) =>
    fail(new UnhandledTaskError('unhandled promise rejection', suspects(), reason));
  const onException = (error: unknown) =>
    fail(new UnhandledTaskError('uncaught exception', suspects(), error));
  for (const signal of SIGNALS) process.on(signal, onSignal);
  process.on('unhandledRejection', onRejection);
  process.on('uncaughtException', onException);

  const lockLost = (reason: string) => fail(new RunLockLostError(options.project, options.runId, reason));
  options.lock.onLost(lockLost);
  const watchdog = startRunWatchdog({
    runId: options.runId,
    project: options.project,
    url: options.warehouse.url,
    logFile: options.logFile,
  });
  let beating = false;
  const beat = setInterval(() => {
    if (beating || controller.signal.aborted) return;
    beating = true;
    void (async () => {
      await options.lock.verify();
      if (options.lock.lost() !== null) return; // onLost has stopped the run
      if (!(await heartbeat(options.warehouse, options.runId)))
        lockLost(
          `run ${options.runId} is no longer marked running in dwh.etl_runs: another process ended it`,
        );
    })()
      .catch((error: unknown) => warn(`heartbeat failed: ${errorMessage(error)}`))
      .finally(() => (beating = false));
  }, options.heartbeatMs);
  beat.unref();

  return {
    signal: controller.signal,
    fail,
    attemptStarted(name, attempt, timeoutMs) {
      running.set(`${name}#${attempt}`, name);
      lastTask = name;
      watchdog.attemptStarted(name, attempt, timeoutMs);
    },
    attemptEnded(name, attempt) {
      running.delete(`${name}#${attempt}`);
      watchdog.attemptEnded(name, attempt);
    },
    stop() {
      watchdog.stop();
      clearInterval(beat);
      for (const signal of SIGNALS) process.off(signal, onSignal);
      process.off('unhandledRejection', onRejection);
      process.off('uncaughtException', onException);
    },
  };
}
