import { Option, type Command } from 'commander';
import type { LoadType } from '../core/types.js';
import { parseCliDate } from '../audit/window.js';
import { UsageError } from '../core/errors.js';
import { envOption } from './env-option.js';
import { paramOption } from './param-option.js';
import { parseParamOptions } from '../core/run-params.js';
import { MAX_PARALLEL_TASKS, parseParallel } from '../core/parallelism.js';

export function registerRun(program: Command): void {
  program
    .command('run')
    .description('run a project once for one load window, recording the run and every task attempt')
    .argument('<project>', 'project <name> or <group>/<name>')
    .addOption(
      new Option('-l, --load-type <type>', 'I = incremental from the previous run, F = full').choices([
        'I',
        'F',
      ]),
    )
    .option(
      '-s, --start-date <date>',
      'window start, YYYY-MM-DD or ISO timestamp (UTC); overrides the computed start',
    )
    .option(
      '-e, --end-date <date>',
      'window end (exclusive), YYYY-MM-DD or ISO timestamp (UTC); default: today 00:00 UTC',
    )
    .addOption(envOption())
    .option(
      '-t, --tasks <names>',
      'comma-separated tasks (or groups: all their tasks) to run; their dependencies are not pulled in',
    )
    .option(
      '-p, --parallel <n>',
      `run up to n ready tasks at once, 1 to ${MAX_PARALLEL_TASKS}; 1 runs them one at a time (default: the project's maxParallelTasks, 4)`,
    )
    .addOption(paramOption())
    .option(
      '--resume [runId]',
      "re-run a failed or crashed run (default: the project's latest run) for its window, reusing the tasks that succeeded",
    )
    .option('--dry-run', 'print the plan (order, window, disabled tasks) and write nothing')
    .option('--no-email', 'send no e-mail for this run (etl_runs.email_status records the skip)')
    .option(
      '-w, --wait [duration]',
      'when the project is already running, wait for that run to end (30s, 10m, 2h; no value: as long as it takes) instead of exiting 3',
    )
    .addHelpText(
      'after',
      `
Examples:
  dwh run demo_sales                       incremental run, window from the previous successful run to today
  dwh run examples/demo_sales -l F         full load from the project's fullLoadStartDate
  dwh run demo_sales -s 2026-10-01 -e 2026-10-08 --tasks transform_daily
  dwh run demo_sales --dry-run
  dwh run demo_sales --param country=BE --param limit=10   run parameters, read by the tasks as ctx.params
  dwh run demo_sales --parallel 1          one task at a time, in the planned order
  dwh run demo_sales --wait 30m            from cron: an overlapping run waits for the previous one
  dwh run demo_sales --resume              re-run what the latest (failed) run left undone, same window`,
    )
    .action(async (project: string, options: RunCliOptions) => {
      const { runProjectPrinted } = await import('./run-console.js');
      const report = await runProjectPrinted(
        {
          project,
          ...(options.loadType ? { loadType: options.loadType } : {}),
          ...(options.startDate ? { startDate: parseCliDate('--start-date', options.startDate) } : {}),
          ...(options.endDate ? { endDate: parseCliDate('--end-date', options.endDate) } : {}),
          ...(options.env ? { environment: options.env } : {}),
          ...(options.tasks ? { tasks: splitList(options.tasks) } : {}),
          ...(options.parallel === undefined ? {} : { parallel: parseParallel(options.parallel) }),
          ...(options.param ? { params: parseParamOptions(options.param) } : {}),
          dryRun: Boolean(options.dryRun),
          email: options.email !== false,
          ...(options.wait === undefined ? {} : { waitForLockMs: parseWait(options.wait) }),
          ...(options.resume === undefined ? {} : { resume: parseResume(options.resume) }),
        },
        (line) => process.stdout.write(`${line}\n`),
      );
      process.exitCode = report.exitCode;
    });
}

interface RunCliOptions {
  loadType?: LoadType;
  startDate?: string;
  endDate?: string;
  env?: string;
  tasks?: string;
  parallel?: string;
  /** Every `--param name=value`, in order. */
  param?: string[];
  dryRun?: boolean;
  /** false with --no-email */
  email?: boolean;
  /** true for a bare --wait */
  wait?: string | true;
  /** true for a bare --resume */
  resume?: string | true;
}

/** `--resume` (the latest run) or `--resume <runId>`. */
function parseResume(value: string | true): true | number {
  if (value === true) return true;
  if (!/^\d+$/.test(value.trim()) || Number(value) < 1)
    throw new UsageError(`--resume: '${value}' is not a run id (a whole number ≥ 1)`);
  return Number(value);
}

const WAIT_UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000 };

/** `--wait 30s | 10m | 2h`; a bare `--wait` waits as long as it takes. */
function parseWait(value: string | true): number {
  if (value === true) return Number.POSITIVE_INFINITY;
  const match = /^(\d+)\s*(s|m|h)$/.exec(value.trim());
  if (!match) throw new UsageError(`--wait: '${value}' is not a duration like 30s, 10m or 2h`);
  return Number(match[1]) * WAIT_UNITS[match[2]!]!;
}

function splitList(value: string): string[] {
  return value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
}
