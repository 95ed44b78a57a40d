import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Option, type Command } from 'commander';
import { UsageError } from '../core/errors.js';

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
    .option('-o, --out <dir>', 'folder to write the DAG files to (default: airflow/dags)')
    .option('--grouped', 'one file dwh_dags.py with a DAG per project')
    .option('-p, --project <names>', 'comma-separated projects (default: every scheduled project)')
    .option('--retries <n>', 'Airflow retries of a failed run (default: 1)')
    .option('--retry-delay <minutes>', 'minutes between Airflow retries (default: 5)')
    .option('--home <dir>', 'bash: the dwh home on the Airflow worker (default: /opt/dwh)')
    .option('--dwh-command <command>', 'bash: how dwh is started there (default: npx --no-install dwh)')
    .option('--image <name>', 'docker/kubernetes: image, {name} = project (default: dwh-{name}:latest)')
    .option('--env <name>', 'environment of config/dwh.yaml for every run')
    .addHelpText(
      'after',
      `
Each DAG: the project's schedule, catchup=False, max_active_runs=1, and one task running
  dwh run <group>/<name> --start-date {{ data_interval_start }} --end-date {{ data_interval_end }}
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
      const projects = await loadScheduledProjects(config, only);
      if (!projects.length) {
        throw new UsageError(
          only.length
            ? `airflow generate: none of ${only.join(', ')} declares a schedule`
            : 'airflow generate: no project declares a schedule',
        );
      }
      const generation = {
        operator: options.operator ?? 'bash',
        retries: wholeNumber('--retries', options.retries, 1),
        retryDelayMinutes: wholeNumber('--retry-delay', options.retryDelay, 5),
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

function wholeNumber(option: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value)) throw new UsageError(`${option}: '${value}' must be a whole number ≥ 0`);
  return Number(value);
}
