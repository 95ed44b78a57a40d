import { Option, type Command } from 'commander';
import { UsageError } from '../core/errors.js';
import type { RunStatus } from '../core/types.js';
import { toJson } from '../present/json.js';
import { withWarehouse } from './with-warehouse.js';
import { envOption } from './env-option.js';

interface RunsOptions {
  limit: string;
  status?: RunStatus;
  since?: string;
  attempts?: boolean;
  json?: boolean;
  env?: string;
}

export function registerRuns(program: Command): void {
  program
    .command('runs')
    .description('show recent runs from the etl_runs audit table: status, window, duration, records, errors')
    .argument('[project]', 'only runs of this project')
    .option('-n, --limit <n>', 'number of runs', '20')
    .addOption(
      new Option('--status <status>', 'only runs with this status').choices([
        'running',
        'success',
        'failed',
        'crashed',
      ]),
    )
    .option(
      '--since <when>',
      'only runs started since a date (2026-11-01, 2026-11-01T06:00Z) or an age (30m, 12h, 7d)',
    )
    .option('-a, --attempts', 'list every task attempt under each run')
    .option('--json', 'print JSON (runs with an `attempts` array)')
    .addOption(envOption())
    .addHelpText(
      'after',
      `
Examples:
  dwh runs                          the 20 latest runs of every project
  dwh runs demo_sales --status failed --since 7d
  dwh runs --since 2026-11-01 -n 100 --json`,
    )
    .action(async (project: string | undefined, options: RunsOptions) => {
      const limit = Number(options.limit);
      if (!Number.isInteger(limit) || limit < 1)
        throw new UsageError(`--limit: '${options.limit}' is not a positive whole number`);
      const [{ listRuns }, { listAttempts }, { parseSince }] = await Promise.all([
        import('../audit/run-store.js'),
        import('../audit/task-run-store.js'),
        import('../monitor/parse-since.js'),
      ]);
      const since = options.since ? parseSince(options.since) : undefined;
      await withWarehouse(
        { command: 'runs', ...(options.env ? { env: options.env } : {}) },
        async (warehouse) => {
          const runs = await listRuns(warehouse, {
            limit,
            ...(project ? { project } : {}),
            ...(options.status ? { status: options.status } : {}),
            ...(since ? { since } : {}),
          });
          const attempts = await listAttempts(
            warehouse,
            runs.map((r) => r.run_id),
          );
          if (options.json) {
            const out = runs.map((run) => ({
              ...run,
              attempts: attempts.filter((a) => a.run_id === run.run_id),
            }));
            process.stdout.write(`${toJson(out)}\n`);
            return;
          }
          if (runs.length === 0) {
            const filters = [
              project ? `of ${project}` : '',
              options.status ? `with status ${options.status}` : '',
              since ? `since ${since.toISOString()}` : '',
            ].filter(Boolean);
            process.stdout.write(`no runs${filters.length ? ` ${filters.join(' ')}` : ''}\n`);
            return;
          }
          const { runsText } = await import('../monitor/runs-table.js');
          const { colourEnabled } = await import('../monitor/terminal-colour.js');
          process.stdout.write(
            runsText(runs, attempts, Boolean(options.attempts), colourEnabled(process.stdout)),
          );
        },
      );
    });
}
