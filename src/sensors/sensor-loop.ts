import { DwhError, EXIT, describeValue } from '../core/errors.js';
import { TaskSkipped } from '../core/skip-task.js';
import type { TaskContext } from '../core/types.js';
import { formatDuration } from '../present/durations.js';
import type { SensorSettings } from './sensor-options.js';

/**
 * What one poke of a sensor answers: `true` when the condition holds, or `{ done, message }` where the message
 * says what the poke saw (shown in the log and, after a timeout, in the error).
 */
export type SensorPoke = boolean | { done: boolean; message?: string };

/** A sensor's condition: checked once per poke, with the task's context. A poke that throws fails the attempt. */
export type SensorCondition = (ctx: TaskContext) => SensorPoke | Promise<SensorPoke>;

/** A "still waiting" line at info level at most this often; every poke is logged at debug. */
const STILL_WAITING_MS = 30_000;

/** The least time a poke still running at the timeout gets to answer (a query or request takes a while). */
const MIN_LATE_POKE_MS = 10_000;

/** How long a poke still running at the timeout may take to answer: a poke interval, at least 10 s. */
export function latePokeMs(pokeIntervalMs: number): number {
  return Math.max(pokeIntervalMs, MIN_LATE_POKE_MS);
}

/** The sensor's condition did not hold before its timeout: not retried (the next attempt would wait again). */
class SensorTimeoutError extends DwhError {
  constructor(
    readonly task: string,
    readonly pokes: number,
    message: string,
  ) {
    super('SENSOR', message, { exitCode: EXIT.runFailed, retryable: false });
  }
}

/**
 * Pokes the condition every `pokeIntervalMs` until it holds or `timeoutMs` has passed; the last poke is at
 * the timeout. Each poke is reported (`{ pokes: 1 }`), so the attempt's row counts them whatever the outcome.
 * A poke still running at the timeout gets `latePokeMs` more to answer, then the sensor gives up on it.
 * The timeout fails the sensor (SensorTimeoutError, not retried) or, with `softFail`, skips it. `ctx.signal`
 * (the run stopping, the attempt ending) ends the wait at once.
 */
export async function pokeUntilDone(
  ctx: TaskContext,
  settings: SensorSettings,
  waitingFor: string,
  condition: SensorCondition,
): Promise<void> {
  const { timeoutMs, pokeIntervalMs, softFail } = settings;
  const name = ctx.task.name;
  const started = Date.now();
  const deadline = started + timeoutMs;
  let pokes = 0;
  let last: string;
  let lastInfo = started;
  ctx.log.info(
    `sensor: waiting up to ${formatDuration(timeoutMs)} for ${waitingFor}, poking every ${formatDuration(pokeIntervalMs)}`,
  );
  for (;;) {
    ctx.signal.throwIfAborted();
    pokes += 1;
    ctx.report({ pokes: 1 });
    const answer = await answerBefore(
      () => condition(ctx),
      deadline + latePokeMs(pokeIntervalMs),
      ctx.signal,
    );
    if (answer === LATE) {
      last = `poke ${pokes} had not answered ${formatDuration(latePokeMs(pokeIntervalMs))} after the timeout`;
      break;
    }
    const { done, message } = readPoke(name, answer);
    last = message;
    const now = Date.now();
    if (done) {
      ctx.log.info(`sensor: done after ${pokeCount(pokes)} in ${formatDuration(now - started)}: ${message}`);
      return;
    }
    ctx.log.debug(`poke ${pokes}: not yet: ${message}`);
    if (now >= deadline) break;
    if (now - lastInfo >= STILL_WAITING_MS) {
      ctx.log.info(`still waiting: ${message} (${pokeCount(pokes)} in ${formatDuration(now - started)})`);
      lastInfo = now;
    }
    await sleep(Math.min(pokeIntervalMs, deadline - now), ctx.signal);
  }
  const what = `sensor '${name}' timed out after ${formatDuration(timeoutMs)} waiting for ${waitingFor}`;
  const counted = `${pokeCount(pokes)}, last: ${last}`;
  if (softFail) throw new TaskSkipped(`${what} (softFail; ${counted})`);
  throw new SensorTimeoutError(name, pokes, `${what} (${counted})`);
}

const pokeCount = (pokes: number) => `${pokes} poke${pokes === 1 ? '' : 's'}`;

/** The answer of one poke; anything but a boolean or `{ done: boolean }` is a mistake of the condition. */
function readPoke(name: string, answer: unknown): { done: boolean; message: string } {
  if (typeof answer === 'boolean')
    return { done: answer, message: answer ? 'the condition is true' : 'the condition is false' };
  if (answer && typeof answer === 'object' && typeof (answer as { done?: unknown }).done === 'boolean') {
    const { done, message } = answer as { done: boolean; message?: unknown };
    const text = typeof message === 'string' && message !== '' ? message : null;
    return { done, message: text ?? (done ? 'the condition is true' : 'the condition is false') };
  }
  throw new DwhError(
    'SENSOR',
    `sensor '${name}': its condition returned ${describeValue(answer)}; ` +
      'it must return true/false or { done: true/false, message }',
    { exitCode: EXIT.runFailed, retryable: false },
  );
}

const LATE = Symbol('late');

/**
 * The poke's answer, or LATE when it has not answered by `until`. A poke given up on keeps running in the
 * background until the attempt ends (its ctx is fenced then); its late answer or error is ignored.
 */
function answerBefore<T>(
  poke: () => T | Promise<T>,
  until: number,
  signal: AbortSignal,
): Promise<T | typeof LATE> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => finish(() => resolve(LATE)), Math.max(0, until - Date.now()));
    const onAbort = () => finish(() => reject(abortReason(signal)));
    signal.addEventListener('abort', onAbort, { once: true });
    function finish(settle: () => void) {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      settle();
    }
    Promise.resolve()
      .then(poke)
      .then(
        (value) => finish(() => resolve(value)),
        (error: unknown) => finish(() => reject(error instanceof Error ? error : new Error(String(error)))),
      );
  });
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(abortReason(signal));
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    function onAbort() {
      clearTimeout(timer);
      reject(abortReason(signal));
    }
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

function abortReason(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new Error(String(signal.reason));
}
