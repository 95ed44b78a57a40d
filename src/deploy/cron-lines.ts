import path from 'node:path';
import type { ScheduledProject } from './scheduled-projects.js';
import { commentText, oneLine } from './generated-text.js';
import { shellQuote } from '../core/shell-quote.js';

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
function cronLogFile(metadataDir: string, project: string): string {
  return path.join(metadataDir, project, 'logs', 'cron.log');
}

/**
 * One crontab line per project: schedule, a lock-safe `dwh run`, output appended to the project's cron log.
 * cron ends an entry at a line break, even inside shell quotes: any value holding one is refused.
 */
function cronLine(project: ScheduledProject, options: CronLineOptions): string {
  const name = project.ref.name;
  const word = (value: string, what: string): string => shellQuote(oneLine(value, what, 'a crontab line'));
  const log = cronLogFile(options.metadataDir, name);
  const variables = Object.entries({ DWH_HOME: options.home, ...options.env }).map(
    ([key, value]) => `${oneLine(key, 'variable name', 'a crontab line')}=${word(value, key)}`,
  );
  const run = [
    ...variables,
    ...(options.flock === false
      ? []
      : ['flock', '-n', word(path.join(options.metadataDir, name, 'cron.lock'), 'metadata folder')]),
    word(options.node, 'node binary'),
    word(options.cli, 'dwh CLI'),
    'run',
    word(`${project.ref.group}/${name}`, 'project folder'),
    ...(options.environment ? ['--env', word(options.environment, 'environment')] : []),
  ].join(' ');
  const command =
    `cd ${word(options.home, 'home')} && mkdir -p ${word(path.dirname(log), 'log folder')} && ${run} ` +
    `>> ${word(log, 'log file')} 2>&1`;
  // cron turns an unescaped % into a newline
  return `${oneLine(project.schedule, `schedule of ${name}`, 'a crontab line')} ${command.replace(/%/g, '\\%')}`;
}

/** The commented block printed by `dwh cron` and installed by `dwh cron --install`. */
export function cronLines(projects: ScheduledProject[], options: CronLineOptions): string[] {
  return projects.flatMap((project) => [
    commentText(
      `# ${project.ref.group}/${project.ref.name}: ${project.parameters.description || 'dwh project'}`,
    ).slice(0, 200),
    cronLine(project, options),
  ]);
}
