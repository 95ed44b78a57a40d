import type { Knex } from 'knex';
import type { Logger } from 'pino';
import { DwhError, EXIT, errorMessage } from '../core/errors.js';

/**
 * An attempt's `ctx` is fenced once the attempt has ended (success, failure, timeout, the run stopped): a task
 * that ignored `ctx.signal` and goes on in the background must not write after its retry did (duplicate
 * rows) or after the run lost its lock. `ctx.sql`, `ctx.db` (and so every loader), `ctx.report` and
 * `ctx.connector` then refuse. The attempt's signal is the fence: the runner aborts it when the attempt ends.
 * A statement the database is already executing cannot be recalled; what is refused is every new one.
 */
class AttemptEndedError extends DwhError {
  constructor(
    readonly task: string,
    readonly attempt: number,
    what: string,
    reason: unknown,
  ) {
    super(
      'ATTEMPT_ENDED',
      `task '${task}' attempt ${attempt} has ended (${errorMessage(reason)}): ${what} is refused; ` +
        'a task must stop its work when ctx.signal aborts',
      { exitCode: EXIT.runFailed },
    );
  }
}

export interface AttemptFence {
  /** Throws AttemptEndedError once the attempt has ended. */
  check(what: string): void;
  /** `fn` behind the fence: refused (a rejected promise when `fn` returns one) once the attempt has ended. */
  guard<Args extends unknown[], Result>(
    what: string,
    fn: (...args: Args) => Result,
  ): (...args: Args) => Result;
  /** knex behind the fence: every call and property read is refused once the attempt has ended. */
  knex(knex: Knex): Knex;
}

export function createAttemptFence(
  task: string,
  attempt: number,
  signal: AbortSignal,
  log: Logger,
): AttemptFence {
  const check = (what: string) => {
    if (!signal.aborted) return;
    const error = new AttemptEndedError(task, attempt, what, signal.reason);
    log.warn(error.message);
    throw error;
  };
  return {
    check,
    guard:
      (what, fn) =>
      (...args) => {
        check(what);
        return fn(...args);
      },
    knex: (knex) =>
      new Proxy(knex, {
        apply(target, _self, args: unknown[]) {
          check('ctx.db');
          return Reflect.apply(target, target, args) as unknown;
        },
        get(target, property) {
          check('ctx.db');
          return Reflect.get(target, property, target) as unknown;
        },
      }),
  };
}
