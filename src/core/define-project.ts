import { z } from 'zod';
import { emailAddressSchema } from './email-address.js';
import { cronExpressionProblem } from './cron-expression.js';
import { isCalendarDay, toUtcDate } from './dates.js';
import { MAX_PARALLEL_TASKS } from './parallelism.js';
import { isParamsSchema, type ParamsSchema } from './run-params.js';

const identifier = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be a SQL identifier (letters, digits, underscore)');

const isoDate = z.union([z.date(), z.string()]).transform((value, ctx) => {
  const date = toUtcDate(value);
  if (Number.isNaN(date.getTime())) {
    ctx.addIssue({ code: 'custom', message: 'must be an ISO date like 2024-01-31' });
    return z.NEVER;
  }
  // `new Date('2026-02-30')` rolls over to March 2nd: a day that does not exist is an error
  const day = typeof value === 'string' ? /^(\d{4})-(\d{2})-(\d{2})/.exec(value) : null;
  if (day && !isCalendarDay(Number(day[1]), Number(day[2]), Number(day[3]))) {
    ctx.addIssue({ code: 'custom', message: `${day[0]} is not a day of the calendar` });
    return z.NEVER;
  }
  return date;
});

/** Parameters of a project (`parameters.ts`). Every default is listed here and nowhere else. */
export const projectParametersSchema = z
  .object({
    /** Unique project name, used on the CLI and in etl_runs. */
    name: z.string().regex(/^[a-z][a-z0-9_-]*$/, 'must be lower-case letters, digits, _ or -'),
    /** Version recorded as etl_runs.script_version. */
    version: z.string().min(1),
    description: z.string().default(''),
    /** Where the project writes; recorded as etl_runs.target_database / target_table. */
    target: z.object({
      database: z.string().min(1),
      schema: identifier.default('public'),
      table: identifier,
    }),
    /** Load type when the CLI gives none. (Default: 'I') */
    loadType: z.enum(['I', 'F']).default('I'),
    /** Start of a full load, and of the first incremental one. */
    fullLoadStartDate: isoDate,
    /** Incremental windows start this many days before the previous run's data_max_date. (Default: 0) */
    lookbackDays: z.number().int().min(0).default(0),
    /** The window end (now) is truncated to this grain. (Default: 'day') */
    windowGrain: z.enum(['day', 'hour']).default('day'),
    /** Retry defaults for every task of the project. */
    retries: z.number().int().min(0).default(0),
    retryDelayMs: z.number().int().min(0).default(5000),
    backoffRate: z.number().min(1).default(2),
    maxRetryDelayMs: z.number().int().min(0).default(300_000),
    /** How many ready tasks run at once (`dwh run --parallel N` overrides); 1: one at a time. (Default: 4) */
    maxParallelTasks: z.number().int().min(1).max(MAX_PARALLEL_TASKS).default(4),
    /**
     * When a task fails, abort the tasks running beside it and start no other (they stay not_run). (Default:
     * false: the other tasks go on, and only the failed task's downstream tasks are affected)
     */
    failFast: z.boolean().default(false),
    /** Default timeout of each task attempt. (Default: none) */
    timeoutMs: z.number().int().positive().optional(),
    /** Keep CSV files written with ctx.output after the run. (Default: true) */
    keepOutput: z.boolean().default(true),
    /** Log files kept: older than `days` or beyond the newest `runs` are deleted. (Default: 30 days) */
    logRetention: z
      .object({ days: z.number().int().positive().optional(), runs: z.number().int().positive().optional() })
      .default({ days: 30 }),
    /** Cron expression used by schedulers (cron, Airflow): five fields or a macro like @daily. (Default: none) */
    schedule: z
      .string()
      .superRefine((value, ctx) => {
        const problem = cronExpressionProblem(value);
        if (problem) ctx.addIssue({ code: 'custom', message: problem });
      })
      .optional(),
    /** E-mail switches, used by notifications. (Default: all on) */
    email: z
      .object({
        onSuccess: z.boolean().default(true),
        onFailure: z.boolean().default(true),
        /** Replace the environment's recipient lists for this project; [] silences the group. */
        business: z.array(emailAddressSchema).optional(),
        admin: z.array(emailAddressSchema).optional(),
        error: z.array(emailAddressSchema).optional(),
        /** Log lines at the end of the mail. (Default: the environment's email.logTailLines, 50) */
        logTailLines: z.number().int().min(0).max(10_000).optional(),
        /** Attach the whole readable log. (Default: the environment's email.attachLog, false) */
        attachLog: z.boolean().optional(),
      })
      .default({ onSuccess: true, onFailure: true }),
    /**
     * Run parameters (`z.object({...})` with defaults): `dwh run --param name=value`, read as `ctx.params` (see
     * core/run-params.ts). (Default: none; any --param is refused)
     */
    params: z
      .custom<ParamsSchema>(isParamsSchema, 'must be a zod object schema: z.object({ ... })')
      .optional(),
    /** Free-form settings for the project's own tasks. */
    settings: z.record(z.string(), z.unknown()).default({}),
  })
  .strict();

export type ProjectParametersInput = Omit<z.input<typeof projectParametersSchema>, 'params'> & {
  params?: z.ZodObject;
};
export type ProjectParameters = z.output<typeof projectParametersSchema>;

/** `export default defineProject({...})` in a project's parameters.ts. Validated when the project loads. */
export function defineProject<P extends ProjectParametersInput>(parameters: P): P {
  return parameters;
}
