import type { Command } from 'commander';
import { EXIT, errorMessage } from '../core/errors.js';
import { toJson } from '../present/json.js';
import { formatTable } from '../present/text-table.js';
import { envOption } from './env-option.js';

export function registerList(program: Command): void {
  program
    .command('list')
    .description('list the projects under projects/ with their version, target and schedule')
    .option('--json', 'print JSON')
    .option('--tasks', "also load each factory.ts and show its number of tasks (imports the tasks' code)")
    .addOption(envOption('(for parameter overrides)'))
    .action(async (options: { json?: boolean; tasks?: boolean; env?: string }) => {
      const [{ loadConfig }, { discoverProjects, loadProject, loadProjectParameters }] = await Promise.all([
        import('../core/config.js'),
        import('../core/project-loader.js'),
      ]);
      const config = loadConfig(options.env ? { environment: options.env } : {});
      const rows: Record<string, unknown>[] = [];
      let broken = 0;
      for (const ref of discoverProjects(config.paths.projectsDir)) {
        const load = { home: config.paths.home, overrides: config.settings.projects[ref.name] };
        try {
          // only parameters.ts unless --tasks: a factory imports its tasks' code, which listing does not need
          const project = options.tasks ? await loadProject(ref, load) : null;
          const p = project?.parameters ?? (await loadProjectParameters(ref, load));
          rows.push({
            project: `${ref.group}/${ref.name}`,
            version: p.version,
            ...(project ? { tasks: project.plan.length } : {}),
            target: `${p.target.schema}.${p.target.table}`,
            schedule: p.schedule ?? '',
            description: p.description,
          });
        } catch (error) {
          broken += 1;
          rows.push({
            project: `${ref.group}/${ref.name}`,
            version: '',
            ...(options.tasks ? { tasks: null } : {}),
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
