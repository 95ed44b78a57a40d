import type { ScheduledProject } from './scheduled-projects.js';

export type AirflowOperator = 'bash' | 'docker' | 'kubernetes';

export interface AirflowOptions {
  operator: AirflowOperator;
  /** Airflow-level retries of the whole run (dwh retries tasks itself). (Default: 1) */
  retries?: number;
  /** Minutes between Airflow retries. (Default: 5) */
  retryDelayMinutes?: number;
  /** bash: the folder holding projects/ and config/ on the Airflow worker. (Default: /opt/dwh) */
  home?: string;
  /** bash: how dwh is started there. (Default: npx --no-install dwh) */
  dwhCommand?: string;
  /** docker/kubernetes: image name; `{name}` is replaced by the project name. (Default: dwh-{name}:latest) */
  image?: string;
  /** `--env` of every run. (Default: none: the image's or home's default environment) */
  environment?: string;
}

/** Python string literal; JSON escapes are valid Python escapes. */
function py(text: string): string {
  return JSON.stringify(text);
}

const DATE_ARGS = ['--start-date', '{{ data_interval_start }}', '--end-date', '{{ data_interval_end }}'];

function runArgs(project: ScheduledProject, options: AirflowOptions): string[] {
  return [
    'run',
    `${project.ref.group}/${project.ref.name}`,
    ...DATE_ARGS,
    ...(options.environment ? ['--env', options.environment] : []),
  ];
}

function shellWord(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./{}-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** The operator call of one project, indented for a `with DAG(...)` block. */
const operators: Record<AirflowOperator, (project: ScheduledProject, options: AirflowOptions) => string> = {
  bash: (project, options) => {
    const args = runArgs(project, options).map((a) => (a.startsWith('{{') ? `"${a}"` : shellWord(a)));
    const command = `cd ${shellWord(options.home ?? '/opt/dwh')} && ${options.dwhCommand ?? 'npx --no-install dwh'} ${args.join(' ')}`;
    return `    BashOperator(
        task_id="run",
        bash_command=${py(command)},
    )`;
  },
  docker: (project, options) => `    DockerOperator(
        task_id="run",
        image=${py(imageOf(project, options))},
        command=${pyList(runArgs(project, options))},
        # config/ (with its secrets) is mounted at run time, never baked into the image
        mounts=[
            Mount(source=Variable.get("dwh_config_dir", "/opt/dwh/config"), target="/opt/dwh/config", type="bind", read_only=True),
            Mount(source="dwh-metadata-${project.ref.name}", target="/opt/dwh/metadata", type="volume"),
        ],
        environment={"DWH_DATABASE_URL": "{{ var.value.get('dwh_database_url', '') }}"},
        network_mode="host",
        auto_remove="success",
        mount_tmp_dir=False,
    )`,
  kubernetes: (project, options) => `    KubernetesPodOperator(
        task_id="run",
        name=${py(`dwh-${project.ref.name.replace(/_/g, '-')}`)},
        image=${py(imageOf(project, options))},
        arguments=${pyList(runArgs(project, options))},
        # DWH_DATABASE_URL and other secrets come from the Kubernetes secret "dwh-config"
        env_from=[k8s.V1EnvFromSource(secret_ref=k8s.V1SecretEnvSource(name="dwh-config"))],
        get_logs=True,
        on_finish_action="delete_succeeded_pod",
    )`,
};

const imports: Record<AirflowOperator, string[]> = {
  bash: ['from airflow.operators.bash import BashOperator'],
  docker: [
    'from airflow.models import Variable',
    'from airflow.providers.docker.operators.docker import DockerOperator',
    'from docker.types import Mount',
  ],
  kubernetes: [
    'from airflow.providers.cncf.kubernetes.operators.pod import KubernetesPodOperator',
    'from kubernetes.client import models as k8s',
  ],
};

function imageOf(project: ScheduledProject, options: AirflowOptions): string {
  return (options.image ?? 'dwh-{name}:latest').replace(/\{name\}/g, project.ref.name);
}

function pyList(items: string[]): string {
  return `[${items.map(py).join(', ')}]`;
}

export function dagId(project: ScheduledProject): string {
  return `dwh_${project.ref.group}_${project.ref.name}`.replace(/[^A-Za-z0-9_.-]/g, '_');
}

function dagBlock(project: ScheduledProject, options: AirflowOptions, variable: string): string {
  const start = project.parameters.fullLoadStartDate;
  return `with DAG(
    dag_id=${py(dagId(project))},
    description=${py(project.parameters.description || `dwh project ${project.ref.group}/${project.ref.name}`)},
    schedule=${py(project.schedule)},
    start_date=datetime(${start.getUTCFullYear()}, ${start.getUTCMonth() + 1}, ${start.getUTCDate()}, tzinfo=timezone.utc),
    # history is loaded with \`dwh backfill\`, not by Airflow catching up
    catchup=False,
    max_active_runs=1,
    default_args={
        "owner": "dwh",
        "retries": ${options.retries ?? 1},
        "retry_delay": timedelta(minutes=${options.retryDelayMinutes ?? 5}),
        # dwh sends its own run e-mails (success and failure)
        "email_on_failure": False,
        "email_on_retry": False,
    },
    tags=["dwh", ${py(project.ref.group)}],
) as ${variable}:
${operators[options.operator](project, options)}
`;
}

function header(options: AirflowOptions, projects: ScheduledProject[]): string {
  return `# Generated by \`dwh airflow generate --operator ${options.operator}\` for ${projects
    .map((p) => `${p.ref.group}/${p.ref.name}`)
    .join(', ')}.
# Regenerate instead of editing: the project's parameters.ts (schedule, description) is the source.
# Each DAG run executes \`dwh run\` for the DAG's data interval: exit 1 = run failed, 3 = already running.
from datetime import datetime, timedelta, timezone

from airflow import DAG
${imports[options.operator].join('\n')}
`;
}

/** One DAG file for one scheduled project. */
export function airflowDagFile(project: ScheduledProject, options: AirflowOptions): string {
  return `${header(options, [project])}\n${dagBlock(project, options, 'dag')}`;
}

/** One file holding a DAG per project (Airflow discovers every DAG object at module level). */
export function airflowGroupedDagFile(projects: ScheduledProject[], options: AirflowOptions): string {
  const blocks = projects.map((project) => dagBlock(project, options, `dag_${project.ref.name}`));
  return `${header(options, projects)}\n${blocks.join('\n\n')}`;
}
