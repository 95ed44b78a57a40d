import type { Command } from 'commander';
import { DwhError, EXIT, errorMessage } from '../core/errors.js';
import { toJson } from '../present/json.js';
import { formatTable } from '../present/text-table.js';
import { withWarehouse } from './with-warehouse.js';
import { envOption } from './env-option.js';

export function registerSql(program: Command): void {
  program
    .command('sql')
    .description('run one SQL statement against the configured warehouse and print the rows')
    .argument('<query>', 'SQL text, e.g. "select * from dwh.etl_runs order by run_id desc limit 5"')
    .option('--json', 'print the rows as JSON')
    .addOption(envOption())
    .action(async (query: string, options: { json?: boolean; env?: string }) => {
      await withWarehouse(
        { command: 'sql', ...(options.env ? { env: options.env } : {}) },
        async (warehouse) => {
          let rows: Record<string, unknown>[];
          try {
            rows = await warehouse.query(query);
          } catch (error) {
            throw new DwhError('DATABASE', `query failed: ${errorMessage(error)}`, {
              exitCode: EXIT.runFailed,
            });
          }
          process.stdout.write(
            options.json
              ? `${toJson(rows)}\n`
              : `${formatTable(rows)}\n(${rows.length} row${rows.length === 1 ? '' : 's'})\n`,
          );
        },
      );
    });
}
