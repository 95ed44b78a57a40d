import { z } from 'zod';
import { describeValue } from '../core/errors.js';
import type { TaskDefinition } from '../core/types.js';
import { sensorTask, type SensorKind } from './sensor.js';
import { sensorSchema, type SensorOptions } from './sensor-options.js';
import { connectorProblems, firstValue } from './sensor-sources.js';

export interface SqlSensorOptions extends SensorOptions {
  /**
   * One statement whose first column of the first row says whether the condition holds. `:name` parameters;
   * `:start_load_date`, `:end_load_date`, `:previous_max_date` and `:run_id` are always bound.
   */
  sql: string;
  /** Values of the statement's other `:name` parameters. (Default: none) */
  params?: Record<string, unknown>;
  /** A postgres or mysql connector of config/dwh.yaml. (Default: the warehouse the run writes to) */
  connector?: string;
}

const schema = sensorSchema({
  sql: z.string().min(1),
  params: z.record(z.string(), z.unknown()).optional(),
  connector: z.string().min(1).optional(),
});

type Options = z.output<typeof schema>;

const kind: SensorKind<Options> = {
  name: 'sqlSensor',
  schema,
  check: (options, context) =>
    options.connector === undefined
      ? []
      : connectorProblems('connector', options.connector, ['postgres', 'mysql'], context),
  waitingFor: (options) =>
    `a true first value of its query on ${options.connector === undefined ? 'the warehouse' : `connector '${options.connector}'`}`,
  start: (_ctx, options) => async (ctx) => {
    const { found, value } = await firstValue(ctx, options);
    if (!found) return { done: false, message: 'the query returned no row' };
    return { done: holds(value), message: `the query returned ${describeValue(value)}` };
  },
};

/**
 * `sqlSensor(name, { sql, params, connector, timeoutMs, pokeIntervalMs, softFail })`: waits until the first
 * column of the first row is true — `true`, a number other than 0, or another value that is not empty.
 */
export function sqlSensor(name: string, options: SqlSensorOptions): TaskDefinition {
  return sensorTask(kind, name, options);
}

/**
 * Whether a value reads as true. Drivers answer the same question differently: a count is a number or a
 * string (`'0'` from node-postgres for bigint), a boolean `true` or `1` (MySQL), so null, false, 0, `'0'`,
 * `''`, `'f'` and `'false'` mean "not yet" and anything else means "done".
 */
function holds(value: unknown): boolean {
  if (value === null || value === undefined || value === false) return false;
  if (typeof value === 'number' || typeof value === 'bigint') return value !== 0 && value !== 0n;
  if (typeof value === 'string') {
    const text = value.trim().toLowerCase();
    return !(
      text === '' ||
      text === 'f' ||
      text === 'false' ||
      (/^[-+]?[0-9.]+$/.test(text) && Number(text) === 0)
    );
  }
  return true;
}
