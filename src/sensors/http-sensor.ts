import { z } from 'zod';
import { errorMessage } from '../core/errors.js';
import type { TaskDefinition } from '../core/types.js';
import { isSecretKey, maskUrl, registerSecret } from '../logging/redact.js';
import { sensorTask, type SensorKind } from './sensor.js';
import { sensorSchema, type SensorOptions } from './sensor-options.js';

export interface HttpSensorOptions extends SensorOptions {
  url: string;
  /** (Default: GET) */
  method?: 'GET' | 'HEAD';
  /** Request headers; the values of secret-looking ones (`Authorization`, `X-Api-Key`) are masked in output. */
  headers?: Record<string, string>;
  /** The status (or statuses) that mean "done". (Default: any 2xx) */
  expectStatus?: number | number[];
  /** How long one request may take; a request that takes longer is a "not yet". (Default: 10000) */
  requestTimeoutMs?: number;
}

const status = z.number().int().min(100).max(599);

const schema = sensorSchema({
  url: z.url({ protocol: /^https?$/ }),
  method: z.enum(['GET', 'HEAD']).optional(),
  headers: z.record(z.string(), z.string()).optional(),
  expectStatus: z.union([status, z.array(status).min(1)]).optional(),
  requestTimeoutMs: z.number().int().positive().optional(),
});

type Options = z.output<typeof schema>;

const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;

const kind: SensorKind<Options> = {
  name: 'httpSensor',
  schema,
  waitingFor: (options) =>
    `${options.method ?? 'GET'} ${maskUrl(options.url)} to answer ${expected(options)}`,
  start: (_ctx, options) => {
    for (const [name, value] of Object.entries(options.headers ?? {}))
      if (isSecretKey(name) || /key|auth/i.test(name)) registerSecret(value);
    const method = options.method ?? 'GET';
    const shown = `${method} ${maskUrl(options.url)}`;
    const wanted = options.expectStatus === undefined ? null : [options.expectStatus].flat();
    return async (ctx) => {
      const timeout = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
      let response: Response;
      try {
        response = await fetch(options.url, {
          method,
          headers: options.headers ?? {},
          signal: AbortSignal.any([ctx.signal, AbortSignal.timeout(timeout)]),
        });
      } catch (error) {
        // the attempt ending is not an answer of the server
        ctx.signal.throwIfAborted();
        // no answer (refused, unknown host, timed out) is a "not yet": the service may be starting
        return { done: false, message: `${shown}: no answer (${failureText(error)})` };
      }
      await response.body?.cancel();
      const done = wanted
        ? wanted.includes(response.status)
        : response.status >= 200 && response.status < 300;
      return { done, message: `${shown} answered ${response.status} ${response.statusText}`.trimEnd() };
    };
  },
};

/**
 * `httpSensor(name, { url, method, headers, expectStatus, requestTimeoutMs, timeoutMs, pokeIntervalMs,
 * softFail })`: waits until the URL answers a 2xx (or one of `expectStatus`).
 */
export function httpSensor(name: string, options: HttpSensorOptions): TaskDefinition {
  return sensorTask(kind, name, options);
}

function expected(options: Options): string {
  return options.expectStatus === undefined ? '2xx' : [options.expectStatus].flat().join(' or ');
}

/** A fetch failure with its cause: `fetch failed: connect ECONNREFUSED 127.0.0.1:9`. */
function failureText(error: unknown): string {
  const cause = (error as { cause?: unknown }).cause;
  return cause ? `${errorMessage(error)}: ${errorMessage(cause)}` : errorMessage(error);
}
