import { z } from 'zod';
import { zodProblems, type OptionProblem } from '../core/option-check.js';
import { taskOptionsSchema } from '../core/task-options.js';
import type { TaskOptions } from '../core/types.js';

/**
 * What every sensor takes besides the options of its kind. The task options (`dependsOn`, `retries`,
 * `triggerRule`, …) pass to its task; `timeoutMs` is the sensor's own (how long it waits), and `target` has no
 * meaning for a task that loads nothing.
 */
export interface SensorOptions extends Omit<TaskOptions, 'timeoutMs' | 'target'> {
  /** How long to wait for the condition; required: a sensor must not wait forever. */
  timeoutMs: number;
  /** The pause between two pokes, at most `timeoutMs`. (Default: 60000, or timeoutMs when that is shorter) */
  pokeIntervalMs?: number;
  /** When the timeout passes, end `skipped` instead of `failed` (the run is then partial). (Default: false) */
  softFail?: boolean;
}

/** The sensor options as a sensor uses them. */
export interface SensorSettings {
  timeoutMs: number;
  pokeIntervalMs: number;
  softFail: boolean;
}

/** (Default pokeIntervalMs: Airflow's 60 s) */
const DEFAULT_POKE_INTERVAL_MS = 60_000;

const sensorShape = {
  timeoutMs: z.number().int().positive(),
  pokeIntervalMs: z.number().int().positive().optional(),
  softFail: z.boolean().optional(),
};

/** The task option keys a sensor passes to its task. */
const TASK_KEYS = Object.keys(taskOptionsSchema.shape).filter((k) => k !== 'timeoutMs' && k !== 'target');

/**
 * The strict schema of a sensor kind: the sensor options plus the kind's own. A poke interval longer than the
 * timeout is refused (the sensor would poke once).
 */
export function sensorSchema<Shape extends z.ZodRawShape>(kindShape: Shape) {
  return z
    .object({ ...sensorShape, ...kindShape })
    .strict()
    .superRefine((options, ctx) => {
      const { timeoutMs, pokeIntervalMs } = options as { timeoutMs?: unknown; pokeIntervalMs?: unknown };
      if (typeof timeoutMs === 'number' && typeof pokeIntervalMs === 'number' && pokeIntervalMs > timeoutMs)
        ctx.addIssue({
          code: 'custom',
          path: ['pokeIntervalMs'],
          message: `must not be longer than timeoutMs (${timeoutMs})`,
        });
    });
}

/** A sensor's options as given: those of its task, and the rest (the sensor's and its kind's). */
export function splitSensorOptions(options: object): {
  taskOptions: TaskOptions;
  sensorOptions: Record<string, unknown>;
} {
  const taskOptions: Record<string, unknown> = {};
  const sensorOptions: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(options)) {
    if (TASK_KEYS.includes(key)) taskOptions[key] = value;
    else sensorOptions[key] = value;
  }
  return { taskOptions, sensorOptions };
}

/** The problems of a sensor's own options; an unknown key names the nearest known one (task options too). */
export function sensorOptionProblems(schema: z.ZodObject | z.ZodType, options: unknown): OptionProblem[] {
  const parsed = schema.safeParse(options);
  if (parsed.success) return [];
  const shape = 'shape' in schema ? Object.keys(schema.shape) : [];
  return zodProblems(parsed.error.issues, options, [...shape, ...TASK_KEYS]);
}

/** The settings of valid options, with the defaults. */
export function sensorSettings(options: {
  timeoutMs: number;
  pokeIntervalMs?: number | undefined;
  softFail?: boolean | undefined;
}): SensorSettings {
  return {
    timeoutMs: options.timeoutMs,
    pokeIntervalMs: options.pokeIntervalMs ?? Math.min(DEFAULT_POKE_INTERVAL_MS, options.timeoutMs),
    softFail: options.softFail ?? false,
  };
}
