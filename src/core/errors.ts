/** Exit codes of the CLI (shared DESIGN.md). */
export const EXIT = { success: 0, runFailed: 1, usage: 2, refused: 3 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export type ErrorCode =
  | 'CONFIG'
  | 'PROJECT_NOT_FOUND'
  | 'PROJECT_LOAD'
  | 'FACTORY'
  | 'WINDOW'
  | 'USAGE'
  | 'DATABASE'
  | 'LOCKED'
  | 'LOCK_LOST'
  | 'TASK_FAILED'
  | 'TASK_TIMEOUT'
  | 'DDL'
  | 'INPUT'
  | 'DATA'
  | 'INTERRUPTED'
  | 'UNHANDLED'
  | 'ATTEMPT_ENDED'
  | 'RUN_LOG';

/** Base class of every error dwh raises on purpose; `exitCode` is what the CLI exits with. */
export class DwhError extends Error {
  readonly code: ErrorCode;
  readonly exitCode: ExitCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown; exitCode?: ExitCode }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.exitCode = options?.exitCode ?? EXIT.usage;
  }
}

/** Bad configuration or parameters: names the file, the key path and the bad value. */
export class ConfigError extends DwhError {
  constructor(
    readonly file: string,
    readonly key: string,
    readonly value: unknown,
    problem: string,
  ) {
    super('CONFIG', `${file}: ${key || '(root)'}: ${problem} (got ${describeValue(value)})`);
  }
}

export class UsageError extends DwhError {
  constructor(message: string) {
    super('USAGE', message);
  }
}

export class ProjectNotFoundError extends DwhError {
  constructor(
    readonly project: string,
    readonly known: string[],
  ) {
    super(
      'PROJECT_NOT_FOUND',
      `unknown project '${project}'. Known projects: ${known.length ? known.join(', ') : '(none)'}`,
    );
  }
}

/** A project file that does not load (syntax error, throws at import, wrong default export). */
export class ProjectLoadError extends DwhError {
  constructor(
    readonly file: string,
    message: string,
    cause?: unknown,
  ) {
    super('PROJECT_LOAD', `${file}: ${message}`, { cause });
  }
}

/** A factory whose task graph is invalid: unknown dependency, cycle, duplicate name. */
export class FactoryError extends DwhError {
  constructor(
    readonly project: string,
    readonly tasks: string[],
    message: string,
  ) {
    super('FACTORY', `project '${project}': ${message}`);
  }
}

export class WindowError extends DwhError {
  constructor(message: string) {
    super('WINDOW', message);
  }
}

export class DatabaseError extends DwhError {
  constructor(message: string, cause?: unknown) {
    super('DATABASE', message, { cause, exitCode: EXIT.usage });
  }
}

/** Another run of the project holds the lock. */
export class RunLockedError extends DwhError {
  constructor(
    readonly project: string,
    readonly activeRun: string,
  ) {
    super('LOCKED', `project '${project}' is already running: ${activeRun}`, { exitCode: EXIT.refused });
  }
}

/** The run's lock connection died (or another process took the run over): the run stops before it writes again. */
export class RunLockLostError extends DwhError {
  constructor(
    readonly project: string,
    readonly runId: number | null,
    reason: string,
  ) {
    super(
      'LOCK_LOST',
      `project '${project}' lost the run lock${runId === null ? '' : ` of run ${runId}`} (${reason}): ` +
        'the run stops so that no second run of the project writes at the same time',
      { exitCode: EXIT.runFailed },
    );
  }
}

export class TaskTimeoutError extends DwhError {
  constructor(
    readonly task: string,
    readonly timeoutMs: number,
  ) {
    super('TASK_TIMEOUT', `task '${task}' timed out after ${timeoutMs} ms`, { exitCode: EXIT.runFailed });
  }
}

export class TaskFailedError extends DwhError {
  constructor(
    readonly project: string,
    readonly task: string,
    readonly runId: number,
    readonly attempt: number,
    cause: unknown,
  ) {
    super('TASK_FAILED', `task '${task}' failed (run ${runId}, attempt ${attempt}): ${errorMessage(cause)}`, {
      cause,
      exitCode: EXIT.runFailed,
    });
  }
}

/**
 * Brand of errors that fail the same way on every attempt. A `Symbol.for` key rather than `instanceof`: each
 * project file is imported with its own copy of the library, so its error classes are not the runner's.
 */
const NOT_RETRYABLE = Symbol.for('dwh.error.notRetryable');

/** The data itself is wrong (a threshold on the loaded rows is exceeded): the same input fails again, so no retry. */
export class DataError extends DwhError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('DATA', message, { ...options, exitCode: EXIT.runFailed });
  }
  get [NOT_RETRYABLE](): true {
    return true;
  }
}

/** False for errors a retry cannot fix (data errors), from this or any other copy of the library. */
export function isRetryable(thrown: unknown): boolean {
  return !(typeof thrown === 'object' && thrown !== null && NOT_RETRYABLE in thrown);
}

export class DdlError extends DwhError {
  constructor(message: string, cause?: unknown) {
    super('DDL', message, { cause, exitCode: EXIT.runFailed });
  }
}

/** Turns anything thrown (including non-Errors) into a readable message. */
export function errorMessage(thrown: unknown): string {
  if (thrown instanceof Error) return thrown.message || thrown.name;
  if (typeof thrown === 'string') return thrown;
  return `non-Error thrown: ${describeValue(thrown)}`;
}

/** Message plus stack (when there is one) for storage and e-mails. */
export function errorDetail(thrown: unknown): string {
  if (thrown instanceof Error && thrown.stack) return thrown.stack;
  return errorMessage(thrown);
}

export function describeValue(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'string') return JSON.stringify(value);
  try {
    const text = JSON.stringify(value);
    return text === undefined ? primitiveText(value) : text.length > 200 ? `${text.slice(0, 200)}…` : text;
  } catch {
    // circular or BigInt: a plain description is the best we can show
    return primitiveText(value);
  }
}

function primitiveText(value: unknown): string {
  if (typeof value === 'bigint' || typeof value === 'symbol' || typeof value === 'function')
    return value.toString();
  return Object.prototype.toString.call(value);
}

/** Exit code for anything thrown: DwhError carries its own, anything else is a failure. */
export function exitCodeOf(thrown: unknown): ExitCode {
  return thrown instanceof DwhError ? thrown.exitCode : EXIT.runFailed;
}
