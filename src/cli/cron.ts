import { realpathSync } from 'node:fs';
import type { Command } from 'commander';
import { envOption } from './env-option.js';

export function registerCron(program: Command): void {
  program
    .command('cron')
    .description(
      'print one crontab line per scheduled project (lock-safe, output appended to metadata/<project>/logs/cron.log)',
    )
    .option('--install', "install the lines into the user's crontab between marker lines (idempotent)")
    .option('--remove', "remove this home's lines from the user's crontab")
    .addOption(envOption('passed to every run'))
    .option('--no-flock', 'do not wrap the command in flock -n (dwh still refuses overlapping runs, exit 3)')
    .option('--crontab <command>', 'crontab program to read and write (default: $DWH_CRONTAB or crontab)')
    .addHelpText(
      'after',
      `
Projects are scheduled by \`schedule\` in their parameters.ts (five cron fields or @daily/@hourly/…).
The database URL is not written into the crontab: keep it in config/dwh.yaml (\${file:local/…}).

Examples:
  dwh cron                  print the lines
  dwh cron --install        install or update them; other crontab lines are kept
  dwh cron --remove         remove them again`,
    )
    .action(async (options: CronCliOptions) => {
      const [{ loadConfig }, { loadScheduledProjects }, { cronLines }, crontab] = await Promise.all([
        import('../core/config.js'),
        import('../deploy/scheduled-projects.js'),
        import('../deploy/cron-lines.js'),
        import('../deploy/crontab.js'),
      ]);
      const config = loadConfig(options.env ? { environment: options.env } : {});
      const projects = options.remove ? [] : await loadScheduledProjects(config);
      const env: Record<string, string> = {};
      for (const key of ['DWH_METADATA_DIR', 'DWH_PGLITE_DIR', 'DWH_ENV'] as const) {
        const value = process.env[key];
        if (value) env[key] = value;
      }
      const lines = cronLines(projects, {
        home: config.paths.home,
        metadataDir: config.paths.metadataDir,
        node: process.execPath,
        cli: realpathSync(process.argv[1]!),
        ...(options.env ? { environment: options.env } : {}),
        flock: options.flock,
        env,
      });
      if (!options.install && !options.remove) {
        if (!projects.length) process.stderr.write('no project declares a schedule\n');
        process.stdout.write(lines.length ? `${lines.join('\n')}\n` : '');
        return;
      }
      const command = options.crontab ?? process.env.DWH_CRONTAB ?? 'crontab';
      const before = await crontab.readCrontab(command);
      const after = crontab.replaceCrontabBlock(before, config.paths.home, lines);
      if (after === before) {
        process.stdout.write(`crontab already up to date (${projects.length} scheduled project(s))\n`);
        return;
      }
      await crontab.writeCrontab(command, after);
      process.stdout.write(
        options.remove
          ? `removed the dwh lines of ${config.paths.home} from the crontab\n`
          : `installed ${projects.length} scheduled project(s) into the crontab:\n${lines.join('\n')}\n`,
      );
    });
}

interface CronCliOptions {
  install?: boolean;
  remove?: boolean;
  env?: string;
  flock: boolean;
  crontab?: string;
}
