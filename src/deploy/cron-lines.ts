import path from 'node:path';
import type { ScheduledProject } from './scheduled-projects.js';
import { shellQuote } from './shell-quote.js';

export interface CronLineOptions {
  home: string;
  metadataDir: string;
  /** Absolute path of the node binary: cron's PATH is minimal. */
  node: string;
  /** Absolute path of the dwh CLI entry (dist/cli/main.js). */
  cli: string;
  /** `--env` for every run. (Default: the configuration's default environment) */
  environment?: string;
  /**
   * Wrap the command in `flock -n` so a slow run is never started twice by cron. dwh's own run lock refuses a
   * second run anyway (exit 3); flock just avoids starting node for nothing. (Default: true)
   */
  flock?: boolean;
  /** Non-secret variables written into the line (paths such as DWH_METADATA_DIR). (Default: none) */
  env?: Record<string, string>;
}

/** The cron log of a project: every scheduled run appends its console output there. */
export function cronLogFile(metadataDir: string, project: string): string {
  return path.join(metadataDir, project, 'logs', 'cron.log');
}

/** One crontab line per project: schedule, a lock-safe `dwh run`, output appended to the project's cron log. */
export function cronLine(project: ScheduledProject, options: CronLineOptions): string {
  const name = project.ref.name;
  const log = cronLogFile(options.metadataDir, name);
  const variables = Object.entries({ DWH_HOME: options.home, ...options.env }).map(
    ([key, value]) => `${key}=${shellQuote(value)}`,
  );
  const run = [
    ...variables,
    ...(options.flock === false
      ? []
      : ['flock', '-n', shellQuote(path.join(options.metadataDir, name, 'cron.lock'))]),
    shellQuote(options.node),
    shellQuote(options.cli),
    'run',
    shellQuote(`${project.ref.group}/${name}`),
    ...(options.environment ? ['--env', shellQuote(options.environment)] : []),
  ].join(' ');
  const command =
    `cd ${shellQuote(options.home)} && mkdir -p ${shellQuote(path.dirname(log))} && ${run} ` +
    `>> ${shellQuote(log)} 2>&1`;
  // cron turns an unescaped % into a newline
  return `${project.schedule} ${command.replace(/%/g, '\\%')}`;
}

/** The commented block printed by `dwh cron` and installed by `dwh cron --install`. */
export function cronLines(projects: ScheduledProject[], options: CronLineOptions): string[] {
  return projects.flatMap((project) => [
    `# ${project.ref.group}/${project.ref.name}: ${project.parameters.description || 'dwh project'}`.slice(
      0,
      200,
    ),
    cronLine(project, options),
  ]);
}
