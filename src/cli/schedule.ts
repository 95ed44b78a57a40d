import type { Command } from 'commander';
import { UsageError } from '../core/errors.js';
import { envOption } from './env-option.js';

export function registerSchedule(program: Command): void {
  const schedule = program.command('schedule').description('inspect project schedules');
  schedule
    .command('next')
    .description("show the next times a project's schedule fires")
    .argument('<project>', 'project <name> or <group>/<name>')
    .option('-n, --count <n>', 'how many times to show (default: 5)')
    .option('--tz <zone>', 'IANA time zone the schedule is read in, like cron on this machine (default: UTC)')
    .option('--from <date>', 'start from this ISO time instead of now')
    .addOption(envOption())
    .action(async (project: string, options: ScheduleCliOptions) => {
      const [{ loadConfig }, { loadScheduledProjects }, { nextRunTimes }] = await Promise.all([
        import('../core/config.js'),
        import('../deploy/scheduled-projects.js'),
        import('../core/cron-expression.js'),
      ]);
      const count = options.count === undefined ? 5 : Number(options.count);
      if (!Number.isInteger(count) || count < 1 || count > 1000) {
        throw new UsageError(`--count: '${options.count}' must be a whole number from 1 to 1000`);
      }
      const from = options.from ? new Date(options.from) : new Date();
      if (Number.isNaN(from.getTime())) throw new UsageError(`--from: '${options.from}' is not an ISO time`);
      const timeZone = options.tz ?? 'UTC';
      if (!validTimeZone(timeZone)) throw new UsageError(`--tz: '${timeZone}' is not an IANA time zone`);
      const config = loadConfig(options.env ? { environment: options.env } : {});
      const [scheduled] = await loadScheduledProjects(config, [project]);
      if (!scheduled) {
        throw new UsageError(
          `project '${project}' has no schedule; add schedule: '0 6 * * *' to its parameters.ts`,
        );
      }
      process.stdout.write(
        `${scheduled.ref.group}/${scheduled.ref.name}: schedule '${scheduled.schedule}' (${timeZone})\n`,
      );
      for (const time of nextRunTimes(scheduled.schedule, from, count, timeZone)) {
        process.stdout.write(`  ${time.toISOString()}  ${localText(time, timeZone)}\n`);
      }
    });
}

interface ScheduleCliOptions {
  count?: string;
  tz?: string;
  from?: string;
  env?: string;
}

function validTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    // RangeError: unknown zone
    return false;
  }
}

function localText(time: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    weekday: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(time);
}
