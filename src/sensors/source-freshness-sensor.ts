import { z } from 'zod';
import { parseConnectorsConfig } from '../connectors/config.js';
import { parseUtcTimestamp } from '../core/dates.js';
import { DwhError, EXIT, describeValue } from '../core/errors.js';
import type { OptionProblem } from '../core/option-check.js';
import type { TaskContext, TaskDefinition } from '../core/types.js';
import { quoteIdent } from '../db/quote.js';
import { parseTableName, tableIdent } from '../db/table-name.js';
import { formatDuration } from '../present/durations.js';
import { sensorTask, type SensorKind } from './sensor.js';
import { sensorSchema, type SensorOptions } from './sensor-options.js';
import { connectorProblems, firstValue } from './sensor-sources.js';

export interface SourceFreshnessSensorOptions extends SensorOptions {
  /** A statement returning the source's max date in its first column, with `:name` parameters. Or table + column. */
  sql?: string;
  /** Values of the statement's other `:name` parameters. (Default: none) */
  params?: Record<string, unknown>;
  /** `table` or `schema.table`, with `column`: the max of that column (PostgreSQL: the warehouse or a postgres connector). */
  table?: string;
  column?: string;
  /** A postgres or mysql connector of config/dwh.yaml. (Default: the warehouse the run writes to) */
  connector?: string;
  /**
   * How far before the window end the max date may lie and still count: `86400000` (a day) for a date column,
   * whose last day of the window is the day before the window end. (Default: 0)
   */
  lagMs?: number;
}

/** `table` or `schema.table`, as parseTableName reads it. */
const tableName = z.string().regex(/^[^.]+(\.[^.]+)?$/, 'must be `table` or `schema.table`');

const schema = sensorSchema({
  sql: z.string().min(1).optional(),
  params: z.record(z.string(), z.unknown()).optional(),
  table: tableName.optional(),
  column: z.string().min(1).optional(),
  connector: z.string().min(1).optional(),
  lagMs: z.number().int().min(0).optional(),
}).superRefine((options, ctx) => {
  const byTable = options.table !== undefined || options.column !== undefined;
  if (options.sql !== undefined && byTable)
    ctx.addIssue({ code: 'custom', path: ['sql'], message: 'give sql, or table and column, not both' });
  else if (options.sql === undefined && (options.table === undefined || options.column === undefined))
    ctx.addIssue({
      code: 'custom',
      path: [options.table === undefined ? 'table' : 'column'],
      message: 'give sql, or table and column',
    });
  if (options.params !== undefined && options.sql === undefined)
    ctx.addIssue({ code: 'custom', path: ['params'], message: 'params go with sql' });
});

type Options = z.output<typeof schema>;

const kind: SensorKind<Options> = {
  name: 'sourceFreshnessSensor',
  schema,
  check: (options, context) => {
    if (options.connector === undefined) return [];
    const problems: OptionProblem[] = connectorProblems(
      'connector',
      options.connector,
      ['postgres', 'mysql'],
      context,
    );
    if (problems.length || options.sql !== undefined) return problems;
    const connectors = parseConnectorsConfig(context.connectors, context.configFile, context.environment);
    if (connectors[options.connector]?.kind === 'mysql')
      problems.push({
        key: 'table',
        value: options.table,
        problem: 'table and column build PostgreSQL SQL; give sql for a mysql connector',
      });
    return problems;
  },
  waitingFor: (options) =>
    `${source(options)} to reach the window end${options.lagMs ? ` (less ${formatDuration(options.lagMs)})` : ''}`,
  start: (_ctx, options) => async (ctx) => {
    const { value } = await firstValue(ctx, {
      sql: options.sql ?? maxDateSql(options.table!, options.column!),
      params: options.params,
      connector: options.connector,
    });
    const needed = new Date(ctx.window.end.getTime() - (options.lagMs ?? 0));
    const max = readDate(ctx, value);
    if (max === null) return { done: false, message: `${source(options)} has no data (max date null)` };
    const done = max >= needed;
    return {
      done,
      message: `${source(options)} max date ${max.toISOString()}, ${done ? 'reaches' : 'before'} ${needed.toISOString()}`,
    };
  },
};

/**
 * `sourceFreshnessSensor(name, { table, column | sql, connector, lagMs, timeoutMs, pokeIntervalMs, softFail })`:
 * waits until the source has data up to the run's window end — its max date is at or after the window end
 * (less `lagMs`): the window `[start, end)` is complete in a source that fills in time order.
 */
export function sourceFreshnessSensor(name: string, options: SourceFreshnessSensorOptions): TaskDefinition {
  return sensorTask(kind, name, options);
}

/**
 * The max of a column as text: the same on the warehouse and a postgres connector, whose driver would read a
 * `timestamp` or `date` in the process's time zone.
 */
function maxDateSql(table: string, column: string): string {
  return `select max(${quoteIdent(column)})::text as max_date from ${tableIdent(parseTableName(table))}`;
}

function source(options: Options): string {
  const what = options.table === undefined ? 'the source' : `${options.table}.${options.column}`;
  return options.connector === undefined ? what : `${what} (connector '${options.connector}')`;
}

/** A Date, or a date or timestamp as text (`2026-01-02`, `2026-01-02 06:00:00+00`, read as UTC without a zone). */
function readDate(ctx: TaskContext, value: unknown): Date | null {
  if (value === null || value === undefined) return null;
  const date =
    value instanceof Date
      ? value
      : typeof value === 'string'
        ? // PostgreSQL writes a UTC offset as `+00`, which Date does not read
          parseUtcTimestamp(value.trim().replace(/(:\d{2}(?:\.\d+)?[+-]\d{2})$/, '$1:00'))
        : null;
  if (date === null || Number.isNaN(date.getTime()))
    throw new DwhError(
      'SENSOR',
      `sensor '${ctx.task.name}': the source's max date is ${describeValue(value)}, which is not a date or timestamp`,
      { exitCode: EXIT.runFailed, retryable: false },
    );
  return date;
}
