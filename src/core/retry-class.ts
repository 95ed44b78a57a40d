/**
 * Which task failures are worth another attempt. A retry helps when the failure came from the world around
 * the task (a dropped connection, a deadlock, a timeout, an HTTP 5xx) and never when it came from the task's
 * own input (a bad option, a cast error, a duplicate key, a failed check): those fail on the first attempt.
 *
 * Errors are recognised by their properties (`retryable`, a SQLSTATE `code`/`sqlState`, a Node `code`), never
 * by `instanceof`: project files are loaded with their own copy of dwh and throw that copy's classes.
 */
export interface RetryDecision {
  retryable: boolean;
  /** Why, for the log: `SQLSTATE 23505 (integrity constraint violation)`. */
  reason: string;
}

/** SQLSTATE classes (first two characters) whose errors repeat on every attempt. */
const DETERMINISTIC_CLASSES: Record<string, string> = {
  '22': 'data exception',
  '23': 'integrity constraint violation',
  '42': 'syntax error or undefined object',
  '2B': 'dependent objects still exist',
  '0A': 'feature not supported',
  '28': 'invalid authorization',
  '3D': 'unknown database',
};

/** SQLSTATEs (or their class) that are transient: the same statement may succeed a moment later. */
const TRANSIENT_STATES: Record<string, string> = {
  '40001': 'serialization failure',
  '40P01': 'deadlock',
  '08': 'connection exception',
  '53': 'insufficient resources',
  '57P01': 'server shut down the connection',
  '57P02': 'server crash shutdown',
  '57P03': 'server not accepting connections yet',
  '57014': 'statement cancelled (timeout)',
  '55P03': 'lock not available',
};

/** Node and undici network error codes. */
const TRANSIENT_NODE_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'EAI_AGAIN',
  'ENOTFOUND',
  'PROTOCOL_CONNECTION_LOST',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

/** Programming errors in a task repeat on every attempt (unless a cause says otherwise). */
const PROGRAMMING_ERRORS = new Set(['TypeError', 'ReferenceError', 'SyntaxError', 'RangeError']);

/**
 * The default decision for anything a task throws. Walks the error and its causes; the first link that says
 * something decides. An error nothing is known about is retried, as before (Airflow's default).
 */
export function classifyError(thrown: unknown): RetryDecision {
  let current: unknown = thrown;
  for (let depth = 0; depth < 10 && current && typeof current === 'object'; depth++) {
    const decision = decideOne(current as Record<string, unknown>);
    if (decision) return decision;
    current = (current as { cause?: unknown }).cause;
  }
  const name = thrown instanceof Error ? thrown.name : null;
  if (name && PROGRAMMING_ERRORS.has(name)) {
    return { retryable: false, reason: `${name} (a programming or option error)` };
  }
  return { retryable: true, reason: 'not known to be permanent' };
}

/** Shorthand for a task's own `retryOn` predicate that wants the default for some errors. */
export function isRetryable(thrown: unknown): boolean {
  return classifyError(thrown).retryable;
}

function decideOne(error: Record<string, unknown>): RetryDecision | null {
  const name = typeof error.name === 'string' ? error.name : 'error';
  if (typeof error.retryable === 'boolean') {
    return { retryable: error.retryable, reason: `${name} is ${error.retryable ? '' : 'not '}retryable` };
  }
  const state = sqlState(error);
  if (state) {
    const transient = TRANSIENT_STATES[state] ?? TRANSIENT_STATES[state.slice(0, 2)];
    if (transient) return { retryable: true, reason: `SQLSTATE ${state} (${transient})` };
    const deterministic = DETERMINISTIC_CLASSES[state.slice(0, 2)];
    if (deterministic) return { retryable: false, reason: `SQLSTATE ${state} (${deterministic})` };
  }
  if (typeof error.code === 'string' && TRANSIENT_NODE_CODES.has(error.code)) {
    return { retryable: true, reason: `network error ${error.code}` };
  }
  // node-postgres reports a connection closed under a query without a code
  if (typeof error.message === 'string' && /^Connection terminated/.test(error.message)) {
    return { retryable: true, reason: 'connection terminated' };
  }
  return null;
}

/** PostgreSQL errors carry the SQLSTATE in `code` (pg, PGlite), MySQL errors in `sqlState` (mysql2). */
function sqlState(error: Record<string, unknown>): string | null {
  for (const value of [error.sqlState, error.code]) {
    if (typeof value === 'string' && /^[0-9A-Z]{5}$/.test(value)) return value;
  }
  return null;
}
