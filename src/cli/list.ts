import type { Command } from 'commander';
import { EXIT, errorMessage } from '../core/errors.js';
import { formatTable, toJson } from './format-table.js';

export function registerList(program: Command): void {
  program
    .command('list')
    .description('list the projects under projects/ with their version, tasks and schedule')
    .option('--json', 'print JSON')
    .option('--env <name>', 'environment of config/dwh.yaml (for parameter overrides)')
    .action(async (options: { json?: boolean; env?: string }) => {
      const [{ loadConfig }, { discoverProjects, loadProject }] = await Promise.all([
        import('../core/config.js'),
        import('../core/project-loader.js'),
      ]);
      const config = loadConfig(options.env ? { environment: options.env } : {});
      const rows: Record<string, unknown>[] = [];
      let broken = 0;
      for (const ref of discoverProjects(config.paths.projectsDir)) {
        try {
          const project = await loadProject(ref, {
            home: config.paths.home,
            overrides: config.settings.projects[ref.name],
          });
          const p = project.parameters;
          rows.push({
            project: `${ref.group}/${ref.name}`,
            version: p.version,
            tasks: project.plan.length,
            target: `${p.target.schema}.${p.target.table}`,
            schedule: p.schedule ?? '',
            description: p.description,
          });
        } catch (error) {
          broken += 1;
          rows.push({
            project: `${ref.group}/${ref.name}`,
            version: '',
            tasks: null,
            target: '',
            schedule: '',
            description: `ERROR: ${errorMessage(error)}`,
          });
        }
      }
      if (options.json) process.stdout.write(`${toJson(rows)}\n`);
      else
        process.stdout.write(
          rows.length ? `${formatTable(rows)}\n` : `no projects in ${config.paths.projectsDir}\n`,
        );
      if (broken) {
        process.stderr.write(`dwh: error: ${broken} project(s) failed to load (see ERROR above)\n`);
        process.exitCode = EXIT.usage;
      }
    });
}
