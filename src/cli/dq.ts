import type { Command } from 'commander';
import { parseCliDate } from '../audit/window.js';
import { toJson } from '../present/json.js';
import { formatTable } from '../present/text-table.js';
import { parseParamOptions } from '../core/run-params.js';
import { envOption } from './env-option.js';
import { paramOption } from './param-option.js';

export function registerDq(program: Command): void {
  program
    .command('dq')
    .description(
      "run a project's data quality checks without loading: its runChecks tasks and metadata/validation.yaml",
    )
    .argument('<project>', 'project <name> or <group>/<name>')
    .option('--json', 'print the results as JSON')
    .addOption(envOption())
    .option('-s, --start-date <date>', "window start (default: the last successful run's window)")
    .option('-e, --end-date <date>', 'window end, exclusive')
    .addOption(paramOption())
    .addHelpText(
      'after',
      `
Results are stored in dwh.dq_results (run_id empty). Exit code 1 when a blocking error check fails or
cannot run; warnings and non-blocking failures exit 0.

Examples:
  dwh dq demo_sales
  dwh dq data_quality_checks/dq_warehouse --json
  dwh dq demo_sales --param country=BE     checks that read ctx.params`,
    )
    .action(async (project: string, options: DqCliOptions) => {
      const { runDq } = await import('../run/run-dq.js');
      const report = await runDq({
        project,
        ...(options.env ? { environment: options.env } : {}),
        ...(options.startDate ? { startDate: parseCliDate('--start-date', options.startDate) } : {}),
        ...(options.endDate ? { endDate: parseCliDate('--end-date', options.endDate) } : {}),
        ...(options.param ? { params: parseParamOptions(options.param) } : {}),
      });
      if (options.json) {
        process.stdout.write(`${toJson(report.results)}\n`);
      } else {
        const { window, results } = report;
        process.stdout.write(
          `checks of ${report.project}, window ${window.start.toISOString()} → ${window.end.toISOString()}\n`,
        );
        const rows = results.map((r) => ({
          status: r.status.toUpperCase(),
          check: r.name,
          type: r.kind,
          severity: `${r.severity}${r.blocking ? '' : ' (non-blocking)'}`,
          observed: r.observed,
          threshold: r.threshold,
          failing: r.failingRows,
          message: r.message,
        }));
        process.stdout.write(`${formatTable(rows)}\n`);
        const count = (s: string) => results.filter((r) => r.status === s).length;
        process.stdout.write(
          `${results.length} checks: ${count('pass')} passed, ${count('warn')} warned, ${count('fail')} failed, ` +
            `${count('error')} could not run${report.exitCode ? ' — a blocking check failed' : ''}\n`,
        );
      }
      process.exitCode = report.exitCode;
    });
}

interface DqCliOptions {
  json?: boolean;
  env?: string;
  startDate?: string;
  endDate?: string;
  param?: string[];
}
