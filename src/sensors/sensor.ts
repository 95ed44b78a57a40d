import type { z } from 'zod';
import { DwhError } from '../core/errors.js';
import { withOptionCheck, type OptionCheckContext, type OptionProblem } from '../core/option-check.js';
import { markTaskKind, partial, task } from '../core/task.js';
import type { TaskContext, TaskDefinition } from '../core/types.js';
import { latePokeMs, pokeUntilDone, type SensorCondition } from './sensor-loop.js';
import {
  sensorOptionProblems,
  sensorSchema,
  sensorSettings,
  splitSensorOptions,
  type SensorOptions,
} from './sensor-options.js';

/**
 * Sensors (Airflow's): a task that waits for a condition — a file landed, a row exists, a source is fresh,
 * another project has loaded the window, a URL answers — by checking it ("poking") every `pokeIntervalMs`
 * until it holds or `timeoutMs` passes. See sensor-loop.ts for the loop and README "Sensors" for the rules.
 *
 * A sensor is an ordinary task: its function is a kind's worker bound to the options with `partial`, so the
 * project loader checks the options (exit 2, naming the file, the task, the key and the value) before
 * anything runs.
 */

/** The options every kind has, as its schema reads them. */
interface SensorBase {
  timeoutMs: number;
  pokeIntervalMs?: number | undefined;
  softFail?: boolean | undefined;
}

/** One kind of sensor: its options and what one poke checks. */
export interface SensorKind<Options extends SensorBase> {
  /** The factory's name; the options are named after it in messages: `fileSensor.glob: is required`. */
  name: string;
  /** The sensor options and the kind's own, strict (see sensorSchema). */
  schema: z.ZodType<Options>;
  /** Checks beyond the schema when the project loads: the connector or the project it names. */
  check?: (options: Options, context: OptionCheckContext) => OptionProblem[];
  /** What the sensor waits for, in its log lines and its timeout: `a file orders_*.csv in landing/`. */
  waitingFor: (options: Options) => string;
  /** The condition of one attempt; it may keep state from one poke to the next. */
  start: (ctx: TaskContext, options: Options) => SensorCondition;
}

/**
 * The attempt's own timeout lies beyond the sensor's (and the time a late poke gets): the sensor
 * ends itself at its timeout, so this only stops a sensor whose timers cannot fire, and puts it under the
 * watchdog of a blocked event loop. It also keeps the project's `timeoutMs` from cutting the wait short.
 */
const ATTEMPT_GRACE_MS = 30_000;

/**
 * `sensor(name, condition, { timeoutMs, pokeIntervalMs, softFail, ...taskOptions })`: a task that pokes
 * `condition(ctx)` until it returns true (or `{ done: true }`).
 */
export function sensor(name: string, condition: SensorCondition, options: SensorOptions): TaskDefinition {
  const schema = sensorSchema({});
  const kind: SensorKind<z.output<typeof schema>> = {
    name: 'sensor',
    schema,
    check: () =>
      typeof condition === 'function'
        ? []
        : [
            {
              key: 'condition',
              value: condition,
              problem: 'must be a function (ctx) => boolean | { done, message }',
            },
          ],
    waitingFor: () => (condition.name ? `${condition.name}()` : 'its condition'),
    start: () => condition,
  };
  return sensorTask(kind, name, options);
}

/** The task of a sensor of `kind`: the task options pass through, the rest is bound to the kind's worker. */
export function sensorTask<Options extends SensorBase>(
  kind: SensorKind<Options>,
  name: string,
  options: object,
): TaskDefinition {
  const { taskOptions, sensorOptions } = splitSensorOptions(options ?? {});
  const { timeoutMs, pokeIntervalMs } = sensorOptions;
  const attemptTimeout =
    typeof timeoutMs === 'number' && Number.isInteger(timeoutMs) && timeoutMs > 0
      ? timeoutMs +
        latePokeMs(typeof pokeIntervalMs === 'number' ? pokeIntervalMs : timeoutMs) +
        ATTEMPT_GRACE_MS
      : undefined;
  return task(name, partial(workerOf(kind), sensorOptions), {
    ...taskOptions,
    ...(attemptTimeout === undefined || !Number.isSafeInteger(attemptTimeout)
      ? {}
      : { timeoutMs: attemptTimeout }),
  });
}

type Worker = (ctx: TaskContext, options: Record<string, unknown>) => Promise<void>;

const workers = new WeakMap<object, Worker>();

/** The worker of a kind, named after its factory and carrying its option check. */
function workerOf<Options extends SensorBase>(kind: SensorKind<Options>): Worker {
  const known = workers.get(kind);
  if (known) return known;
  const worker: Worker = async (ctx, raw) => {
    const problems = sensorOptionProblems(kind.schema, raw);
    if (problems.length) {
      const [first] = problems;
      throw new DwhError(
        'CONFIG',
        `sensor '${ctx.task.name}': ${kind.name}.${first!.key}: ${first!.problem}`,
      );
    }
    const options = kind.schema.parse(raw);
    await pokeUntilDone(ctx, sensorSettings(options), kind.waitingFor(options), kind.start(ctx, options));
  };
  Object.defineProperty(worker, 'name', { value: kind.name });
  withOptionCheck(worker, (args, context) => {
    const raw = args[0];
    const problems = sensorOptionProblems(kind.schema, raw);
    if (problems.length || !kind.check) return problems;
    return kind.check(kind.schema.parse(raw), context);
  });
  markTaskKind(worker, 'sensor');
  workers.set(kind, worker);
  return worker;
}
