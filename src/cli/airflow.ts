import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Option, type Command } from 'commander';
import { parseCliDate } from '../audit/window.js';
import { UsageError } from '../core/errors.js';
import type { AirflowOptions } from '../deploy/airflow-dag.js';
import { envOption } from './env-option.js';

export function registerAirflow(program: Command): void {
  const airflow = program.command('airflow').description('Airflow DAGs for scheduled projects');
  airflow
    .command('generate')
    .description('write one DAG file per scheduled project (or one grouped file) into --out')
    .addOption(
      new Option('--operator <kind>', 'how Airflow starts the run (default: bash)').choices([
        'bash',
        'docker',
        'kubernetes',
      ]),
    )
    .addOption(
      new Option('--window <mode>', 'who decides the load window: airflow (data interval) or dwh (watermark)')
        .choices(['airflow', 'dwh'])
        .default('airflow'),
    )
    .option('-o, --out <dir>', 'folder to write the DAG files to (default: airflow/dags)')
    .option('--grouped', 'one file dwh_dags.py with a DAG per project')
    .option('-p, --project <names>', 'comma-separated projects (default: every scheduled project)')
    .option('--retries <n>', "Airflow retries of a failed run (default: the project's retries)")
    .option(
      '--retry-delay <minutes>',
      "minutes between Airflow retries (default: the project's retryDelayMs)",
    )
    .option(
      '--execution-timeout <minutes>',
      "Airflow's execution_timeout of a run (default: from the tasks' timeoutMs and retries)",
    )
    .option('--start-date <date>', "the DAGs' start_date (default: the project's fullLoadStartDate)")
    .option('--home <dir>', 'bash: the dwh home on the Airflow worker (default: /opt/dwh)')
    .option('--dwh-command <command>', 'bash: how dwh is started there (default: npx --no-install dwh)')
    .option('--image <name>', 'docker/kubernetes: image, {name} = project (default: dwh-{name}:latest)')
    .addOption(envOption('for every run'))
    .addHelpText(
      'after',
      `
Each DAG: the project's schedule, max_active_runs=1, execution_timeout and retries from the project, and
one task running dwh run <group>/<name>. The files work on Airflow 2.5+ and 3.x.
  --window airflow  CronDataIntervalTimetable, catchup=True, each run loads its data interval:
                    --start-date {{ data_interval_start }} --end-date {{ data_interval_end }}
  --window dwh      CronTriggerTimetable, catchup=False, no dates: dwh loads from its watermark to now
Copy the files into Airflow's dags/ folder. Failure e-mails stay with dwh (email_on_failure=False).`,
    )
    .action(async (options: AirflowCliOptions) => {
      const [{ loadConfig }, { loadScheduledProjects }, dag] = await Promise.all([
        import('../core/config.js'),
        import('../deploy/scheduled-projects.js'),
        import('../deploy/airflow-dag.js'),
      ]);
      const config = loadConfig(options.env ? { environment: options.env } : {});
      const only = options.project
        ? options.project
            .split(',')
            .map((p) => p.trim())
            .filter(Boolean)
        : [];
      const projects = await loadScheduledProjects(config, only, { withTasks: true });
      if (!projects.length) {
        throw new UsageError(
          only.length
            ? `airflow generate: none of ${only.join(', ')} declares a schedule`
            : 'airflow generate: no project declares a schedule',
        );
      }
      const retries = wholeNumber('--retries', options.retries);
      const retryDelay = wholeNumber('--retry-delay', options.retryDelay);
      const timeout = wholeNumber('--execution-timeout', options.executionTimeout);
      const generation: AirflowOptions = {
        operator: options.operator ?? 'bash',
        window: options.window,
        ...(retries !== undefined ? { retries } : {}),
        ...(retryDelay !== undefined ? { retryDelaySeconds: retryDelay * 60 } : {}),
        ...(timeout !== undefined ? { executionTimeoutSeconds: timeout * 60 } : {}),
        ...(options.startDate ? { startDate: parseCliDate('--start-date', options.startDate) } : {}),
        ...(options.home ? { home: options.home } : {}),
        ...(options.dwhCommand ? { dwhCommand: options.dwhCommand } : {}),
        ...(options.image ? { image: options.image } : {}),
        ...(options.env ? { environment: options.env } : {}),
      };
      const out = path.resolve(options.out ?? path.join(config.paths.home, 'airflow', 'dags'));
      mkdirSync(out, { recursive: true });
      const files: [string, string][] = options.grouped
        ? [['dwh_dags.py', dag.airflowGroupedDagFile(projects, generation)]]
        : projects.map((p) => [`${dag.dagId(p)}.py`, dag.airflowDagFile(p, generation)]);
      for (const [file, content] of files) {
        writeFileSync(path.join(out, file), content);
        process.stdout.write(`wrote ${path.join(out, file)}\n`);
      }
    });
}

interface AirflowCliOptions {
  operator?: 'bash' | 'docker' | 'kubernetes';
  window: 'airflow' | 'dwh';
  executionTimeout?: string;
  startDate?: string;
  out?: string;
  grouped?: boolean;
  project?: string;
  retries?: string;
  retryDelay?: string;
  home?: string;
  dwhCommand?: string;
  image?: string;
  env?: string;
}

function wholeNumber(option: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new UsageError(`${option}: '${value}' must be a whole number ≥ 0`);
  return Number(value);
}
