import type { Command } from 'commander';
import { envOption } from './env-option.js';

export function registerMonitor(program: Command): void {
  program
    .command('monitor')
    .description(
      'warehouse health: per project last success, lateness against its schedule, duration and volume trends; ' +
        'PostgreSQL table sizes, dead tuples, index usage, cache hit ratio, long-running and blocked queries, connections',
    )
    .option('--json', 'print the report as JSON')
    .addOption(envOption())
    .addHelpText(
      'after',
      `
Read-only in the database. Each run stores the table sizes it measured in metadata/monitor/table-sizes.json,
so the next one (and the dashboard) can show growth. On the opt-in PGlite engine the sections PGlite cannot
provide (tuple statistics, index usage, other sessions) say so instead of showing numbers.`,
    )
    .action(async (options: { json?: boolean; env?: string }) => {
      const [
        { loadConfig },
        { openWarehouse, warehouseTarget },
        { loadCatalog },
        { buildMonitorReport },
        { monitorText },
        { colourEnabled },
      ] = await Promise.all([
        import('../core/config.js'),
        import('../db/connection.js'),
        import('../monitor/project-catalog.js'),
        import('../monitor/monitor-report.js'),
        import('../monitor/monitor-text.js'),
        import('../monitor/terminal-colour.js'),
      ]);
      const config = loadConfig(options.env ? { environment: options.env } : {});
      const catalog = await loadCatalog(config);
      const warehouse = await openWarehouse({
        ...warehouseTarget(config),
        command: 'monitor',
      });
      try {
        const report = await buildMonitorReport(warehouse, catalog, new Date(), {
          metadataDir: config.paths.metadataDir,
          recordSizes: true,
        });
        process.stdout.write(
          options.json
            ? `${JSON.stringify(report, null, 2)}\n`
            : monitorText(report, colourEnabled(process.stdout)),
        );
      } finally {
        await warehouse.close();
      }
    });
}
