import { Option, type Command } from 'commander';
import type { LoadType } from '../core/types.js';
import { parseCliDate } from '../audit/window.js';
import { UsageError } from '../core/errors.js';
import { envOption } from './env-option.js';
import { paramOption } from './param-option.js';
import { parseParamOptions } from '../core/run-params.js';

export function registerBackfill(program: Command): void {
  program
    .command('backfill')
    .description(
      'load a date range window by window (one run per window, in order); re-running continues where it stopped',
    )
    .argument('<project>', 'project <name> or <group>/<name>')
    .requiredOption('-s, --start-date <date>', 'first day of the range, YYYY-MM-DD or ISO timestamp (UTC)')
    .requiredOption(
      '-e, --end-date <date>',
      'end of the range (exclusive), YYYY-MM-DD or ISO timestamp (UTC)',
    )
    .option('-d, --load-days <n>', 'days per window (default: 1)')
    .addOption(
      new Option(
        '-l, --load-type <type>',
        "load type of every window's run (default: the project's)",
      ).choices(['I', 'F']),
    )
    .option('--from-failed', 'continue the same backfill that stopped on a failed window')
    .option('--continue-on-failure', 'run the remaining windows after a failed one')
    .addOption(envOption())
    .addOption(paramOption())
    .option('-v, --verbose', "show every run's log lines too (they are always in the log files)")
    .addHelpText(
      'after',
      `
Each window is a normal run with its own etl_runs row (etl_runs.backfill_id = the backfill). The backfill and its
windows are stored in dwh.backfills / dwh.backfill_windows. While it runs it holds the project's run lock: an
ordinary run of the project is refused (exit 3), and so is a backfill while a run is active.
Exit codes: 0 every window succeeded, 1 a window failed, 2 bad usage, 3 the project is already running.

Examples:
  dwh backfill demo_sales -s 2026-01-01 -e 2026-04-01 --load-days 7
  dwh backfill demo_sales -s 2026-01-01 -e 2026-04-01 --load-days 7            # after a kill: continues
  dwh backfill demo_sales -s 2026-01-01 -e 2026-04-01 --load-days 7 --from-failed`,
    )
    .action(async (project: string, options: BackfillCliOptions) => {
      const { runBackfill } = await import('../run/backfill.js');
      const report = await runBackfill(
        {
          project,
          startDate: parseCliDate('--start-date', options.startDate),
          endDate: parseCliDate('--end-date', options.endDate),
          loadDays: parseLoadDays(options.loadDays),
          ...(options.loadType ? { loadType: options.loadType } : {}),
          fromFailed: Boolean(options.fromFailed),
          continueOnFailure: Boolean(options.continueOnFailure),
          ...(options.env ? { environment: options.env } : {}),
          console: Boolean(options.verbose),
          ...(options.param ? { params: parseParamOptions(options.param) } : {}),
        },
        (line) => process.stdout.write(`${line}\n`),
      );
      process.exitCode = report.exitCode;
    });
}

interface BackfillCliOptions {
  startDate: string;
  endDate: string;
  loadDays?: string;
  loadType?: LoadType;
  fromFailed?: boolean;
  continueOnFailure?: boolean;
  env?: string;
  /** Every `--param name=value`, in order: given to every window's run. */
  param?: string[];
  verbose?: boolean;
}

function parseLoadDays(value: string | undefined): number {
  if (value === undefined) return 1;
  if (!/^\d+$/.test(value) || Number(value) < 1) {
    throw new UsageError(`--load-days: '${value}' must be a whole number of days ≥ 1`);
  }
  return Number(value);
}
