import { Option, type Command } from 'commander';
import { UsageError } from '../core/errors.js';
import type { RunStatus } from '../core/types.js';
import { formatTable, toJson } from './format-table.js';
import { withWarehouse } from './with-warehouse.js';

export function registerRuns(program: Command): void {
  program
    .command('runs')
    .description('show recent runs from the etl_runs audit table, each with its task attempts')
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
    .option('--json', 'print JSON (runs with an `attempts` array)')
    .option('--env <name>', 'environment of config/dwh.yaml')
    .action(
      async (
        project: string | undefined,
        options: { limit: string; status?: RunStatus; json?: boolean; env?: string },
      ) => {
        const limit = Number(options.limit);
        if (!Number.isInteger(limit) || limit < 1)
          throw new UsageError(`--limit: '${options.limit}' is not a positive whole number`);
        const { listRuns, listAttempts } = await import('../audit/run-store.js');
        await withWarehouse(
          { command: 'runs', ...(options.env ? { env: options.env } : {}) },
          async (warehouse) => {
            const runs = await listRuns(warehouse, {
              limit,
              ...(project ? { project } : {}),
              ...(options.status ? { status: options.status } : {}),
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
              process.stdout.write(`no runs${project ? ` of ${project}` : ''} yet\n`);
              return;
            }
            for (const run of runs) {
              const duration = run.end_script_execution_time
                ? `${((run.end_script_execution_time.getTime() - run.start_script_execution_time.getTime()) / 1000).toFixed(1)} s`
                : 'running';
              process.stdout.write(
                `run ${run.run_id}  ${run.project_name}  ${run.status.toUpperCase()}  ${run.load_type}  ` +
                  `${run.start_load_date.toISOString()} → ${run.end_load_date.toISOString()}  ` +
                  `${run.number_of_records} records  ${duration}  env ${run.environment}  v${run.script_version}\n`,
              );
              if (run.error_message) process.stdout.write(`  error: ${run.error_message}\n`);
              const rows = attempts
                .filter((a) => a.run_id === run.run_id)
                .map((a) => ({
                  task: a.task_name,
                  attempt: a.attempt,
                  status: a.status,
                  records: a.records,
                  seconds: a.ended_at
                    ? Number(((a.ended_at.getTime() - a.started_at.getTime()) / 1000).toFixed(2))
                    : null,
                  error: a.error_message,
                }));
              if (rows.length) process.stdout.write(`${indent(formatTable(rows))}\n`);
              process.stdout.write('\n');
            }
          },
        );
      },
    );
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `    ${line}`)
    .join('\n');
}
