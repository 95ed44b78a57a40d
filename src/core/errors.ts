/** Exit codes of the CLI (shared DESIGN.md). */
export const EXIT = { success: 0, runFailed: 1, usage: 2, refused: 3 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/**
 * What went wrong, one code per subsystem; the subclass carries the fields (file, task, table…). Read by
 * property (`error.code`), not instanceof: project files load their own copy of this module.
 * Exit code (2 unless noted) and retry (see core/retry-class.ts) in brackets.
 *
 * Configuration and usage — the command cannot work as given:
 * - CONFIG            config/dwh.yaml, a project's parameters or task options are wrong [no retry]
 * - USAGE             a bad command line or API use: an option, a value a task reports [no retry]
 * - PROJECT_NOT_FOUND no project of that name [no retry]
 * - PROJECT_LOAD      a project file does not load [no retry]
 * - FACTORY           the task graph is invalid: unknown dependency, cycle, duplicate [no retry]
 * - WINDOW            a load window or CLI date is invalid [no retry]
 *
 * The warehouse and its server:
 * - DATABASE          the warehouse cannot be reached or opened (2), a `dwh sql` query failed or the
 *                     connection was lost under a load (1)
 * - EMBEDDED_SERVER   the embedded PostgreSQL server has no binaries, cannot be created, started or stopped
 *                     (3 when another process is using it)
 * - LOCKED            another process holds what this one needs: the project's run lock, the PGlite data
 *                     directory (3; the dashboard's busy warehouse: 1)
 * - LOCK_LOST         the run lost its lock while running (1)
 * - DDL               a project's DDL file failed (1)
 *
 * A run and its tasks (exit 1):
 * - TASK_FAILED       a task gave up on purpose (`NonRetryableError`) [no retry]
 * - TASK_TIMEOUT      an attempt ran past its timeout [retried]
 * - TASK_SKIPPED      a task ended `skipped` on its own (a sensor with softFail timed out): not a failure
 * - SENSOR            a sensor's condition did not hold before its timeout [no retry]
 * - ATTEMPT_ENDED     a task used `ctx` after its attempt had ended
 * - UNHANDLED         a stray promise rejection or exception during the run
 * - INTERRUPTED       the process received SIGINT, SIGTERM or SIGHUP
 * - RUN_LOG           the run log cannot be written
 * - INPUT             input that cannot be loaded as it is: malformed CSV, bad encoding, empty file [no retry]
 * - DATA              the data breaks a threshold of the load (unknown dimension members…) [no retry]
 *
 * Libraries used by tasks (exit 1; a failure with a cause is retried as its cause says, one without is not):
 * - LOAD              a load into a table with COPY failed (db/load-table.ts), also at a line of its input
 * - CONNECTOR         a source (database, file, HTTP API) fails
 * - TRANSFORM         a row the mapping cannot transform [no retry]
 * - WAREHOUSE         a load of the warehouse layer cannot go on: bad declaration, failed staging check
 * - CHECK             a data quality check cannot run, or a blocking one failed [no retry]
 * - EMAIL             an e-mail could not be sent after its attempts
 * - DEPLOY            cron, Docker or a deployment file cannot be written or built (2) [no retry]
 */
export type ErrorCode =
  | 'CONFIG'
  | 'USAGE'
  | 'PROJECT_NOT_FOUND'
  | 'PROJECT_LOAD'
  | 'FACTORY'
  | 'WINDOW'
  | 'DATABASE'
  | 'EMBEDDED_SERVER'
  | 'LOCKED'
  | 'LOCK_LOST'
  | 'DDL'
  | 'TASK_FAILED'
  | 'TASK_TIMEOUT'
  | 'TASK_SKIPPED'
  | 'SENSOR'
  | 'ATTEMPT_ENDED'
  | 'UNHANDLED'
  | 'INTERRUPTED'
  | 'RUN_LOG'
  | 'INPUT'
  | 'DATA'
  | 'LOAD'
  | 'CONNECTOR'
  | 'TRANSFORM'
  | 'WAREHOUSE'
  | 'CHECK'
  | 'EMAIL'
  | 'DEPLOY';

/** Codes of errors that cannot succeed on a retry: the configuration or the usage is wrong. */
const NOT_RETRYABLE_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'CONFIG',
  'USAGE',
  'PROJECT_NOT_FOUND',
  'PROJECT_LOAD',
  'FACTORY',
  'WINDOW',
  'INPUT',
  'DATA',
  'SENSOR',
  'TASK_SKIPPED',
]);

export interface DwhErrorOptions {
  cause?: unknown;
  exitCode?: ExitCode;
  /**
   * Whether a task failing with this error is worth another attempt (see core/retry-class.ts); `undefined`
   * given explicitly: decided from the cause. (Default: false for configuration and usage errors, otherwise
   * decided from the cause)
   */
  retryable?: boolean;
}

/** Base class of every error dwh raises on purpose; `exitCode` is what the CLI exits with. */
export class DwhError extends Error {
  readonly code: ErrorCode;
  readonly exitCode: ExitCode;
  /** Read by property, not instanceof: project files load their own copy of this class. */
  readonly retryable: boolean | undefined;
  constructor(code: ErrorCode, message: string, options?: DwhErrorOptions) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.exitCode = options?.exitCode ?? EXIT.usage;
    this.retryable =
      options && 'retryable' in options
        ? options.retryable
        : NOT_RETRYABLE_CODES.has(code)
          ? false
          : undefined;
  }
}

/**
 * Thrown by a task to fail at once, without the retries it has left: `throw new NonRetryableError('bad
 * input file', { cause })`.
 */
export class NonRetryableError extends DwhError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('TASK_FAILED', message, { ...options, exitCode: EXIT.runFailed, retryable: false });
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
    /** The factory file, as shown in messages. (Default: not named) */
    readonly file?: string,
  ) {
    super('FACTORY', `${file ? `${file}: ` : ''}project '${project}': ${message}`);
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
    super('TASK_TIMEOUT', `task '${task}' timed out after ${timeoutMs} ms`, {
      exitCode: EXIT.runFailed,
      retryable: true,
    });
  }
}

/** The data itself is wrong (a threshold on the loaded rows is exceeded): the same input fails again, so no retry. */
export class DataError extends DwhError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('DATA', message, { ...options, exitCode: EXIT.runFailed });
  }
}

export class DdlError extends DwhError {
  constructor(message: string, cause?: unknown) {
    super('DDL', message, { cause, exitCode: EXIT.runFailed });
  }
}

/**
 * Turns anything thrown (including non-Errors) into a readable message. PostgreSQL's DETAIL and HINT (found on
 * the error or its causes) are appended, so `Key (id)=(7) already exists` reaches the audit row and the e-mail.
 */
export function errorMessage(thrown: unknown): string {
  if (thrown instanceof Error) return withServerDetail(thrown.message || thrown.name, thrown);
  if (typeof thrown === 'string') return thrown;
  return `non-Error thrown: ${describeValue(thrown)}`;
}

/** Message plus stack (when there is one) for storage and e-mails. */
export function errorDetail(thrown: unknown): string {
  if (!(thrown instanceof Error) || !thrown.stack) return errorMessage(thrown);
  const message = errorMessage(thrown);
  const frames = thrown.stack.split('\n').filter((line) => /^\s+at /.test(line));
  return [`${thrown.name}: ${message}`, ...frames].join('\n');
}

function withServerDetail(message: string, thrown: Error): string {
  let out = message;
  for (const label of ['detail', 'hint'] as const) {
    const text = serverField(thrown, label);
    if (text && !out.includes(text)) out += ` — ${label.toUpperCase()}: ${text}`;
  }
  return out;
}

/** The first `detail`/`hint` string along the cause chain (pg and PGlite errors carry them as properties). */
function serverField(thrown: unknown, field: 'detail' | 'hint'): string | null {
  let current: unknown = thrown;
  for (let depth = 0; depth < 10 && current && typeof current === 'object'; depth++) {
    const value = (current as Record<string, unknown>)[field];
    if (typeof value === 'string' && value.trim()) return value.trim();
    current = (current as { cause?: unknown }).cause;
  }
  return null;
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
