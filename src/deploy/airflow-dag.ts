import { commentText, notTemplated } from './generated-text.js';
import { runTimeBoundMs } from './run-time-bound.js';
import type { ScheduledProject } from './scheduled-projects.js';

export type AirflowOperator = 'bash' | 'docker' | 'kubernetes';

/**
 * Who decides a run's load window.
 * - `airflow`: each DAG run loads exactly its data interval (`--start-date/--end-date` from Airflow), with a
 *   `CronDataIntervalTimetable` and `catchup=True`, so intervals missed while the DAG was paused are loaded
 *   too and clearing a DAG run reloads its interval.
 * - `dwh`: the run gets no dates and loads from dwh's watermark up to now, with a `CronTriggerTimetable` and
 *   `catchup=False`: a missed interval is loaded by the next run; clearing an old DAG run loads from the
 *   watermark, not that run's interval.
 */
export type AirflowWindow = 'airflow' | 'dwh';

export interface AirflowOptions {
  operator: AirflowOperator;
  /** (Default: 'airflow') */
  window?: AirflowWindow;
  /** Airflow-level retries of the whole run. (Default: the project's `retries`) */
  retries?: number;
  /** Seconds before the first Airflow retry. (Default: the project's `retryDelayMs`) */
  retryDelaySeconds?: number;
  /** Airflow's `execution_timeout` of the run. (Default: from the tasks' timeouts, see runTimeBoundMs) */
  executionTimeoutSeconds?: number;
  /** The DAG's `start_date`. (Default: the project's fullLoadStartDate) */
  startDate?: Date;
  /** bash: the folder holding projects/ and config/ on the Airflow worker. (Default: /opt/dwh) */
  home?: string;
  /** bash: how dwh is started there. (Default: npx --no-install dwh) */
  dwhCommand?: string;
  /** docker/kubernetes: image name; `{name}` is replaced by the project name. (Default: dwh-{name}:latest) */
  image?: string;
  /** `--env` of every run. (Default: none: the image's or home's default environment) */
  environment?: string;
}

/** Python string literal; JSON escapes (line breaks included) are valid Python escapes. */
function py(text: string): string {
  return JSON.stringify(text);
}

const DATE_ARGS = ['--start-date', '{{ data_interval_start }}', '--end-date', '{{ data_interval_end }}'];

/** Operator arguments are Jinja templates in Airflow: only dwh's own date arguments may hold `{{ }}`. */
function runArgs(project: ScheduledProject, options: AirflowOptions): string[] {
  const reference = notTemplated(`${project.ref.group}/${project.ref.name}`, 'project folder');
  return [
    'run',
    reference,
    ...(options.window === 'dwh' ? [] : DATE_ARGS),
    ...(options.environment ? ['--env', notTemplated(options.environment, '--env')] : []),
  ];
}

function shellWord(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./{}-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** The operator call of one project, indented for a `with DAG(...)` block. */
const operators: Record<AirflowOperator, (project: ScheduledProject, options: AirflowOptions) => string> = {
  bash: (project, options) => {
    const args = runArgs(project, options).map((a) => (a.startsWith('{{') ? `"${a}"` : shellWord(a)));
    const home = shellWord(notTemplated(options.home ?? '/opt/dwh', '--home'));
    const dwh = notTemplated(options.dwhCommand ?? 'npx --no-install dwh', '--dwh-command');
    return `    # no env=: the run inherits the worker's environment (DWH_DATABASE_URL, …), which Airflow never renders
    BashOperator(
        task_id="run",
        bash_command=${py(`cd ${home} && ${dwh} ${args.join(' ')}`)},
    )`;
  },
  docker: (project, options) => `    DockerOperator(
        task_id="run",
        image=${py(imageOf(project, options))},
        command=${pyList(runArgs(project, options))},
        # config/ (with its secrets) is mounted at run time, never baked into the image
        mounts=[
            Mount(source=os.environ.get("DWH_CONFIG_DIR", "/opt/dwh/config"), target="/opt/dwh/config", type="bind", read_only=True),
            Mount(source=${py(`dwh-metadata-${project.ref.name}`)}, target="/opt/dwh/metadata", type="volume"),
        ],
        # secrets go through private_environment: neither templated nor shown in Airflow's UI
        private_environment=dwh_secrets(),
        network_mode="host",
        auto_remove="success",
        mount_tmp_dir=False,
    )`,
  kubernetes: (project, options) => `    KubernetesPodOperator(
        task_id="run",
        name=${py(`dwh-${project.ref.name.replace(/_/g, '-')}`)},
        image=${py(imageOf(project, options))},
        arguments=${pyList(runArgs(project, options))},
        # DWH_DATABASE_URL and other secrets come from the Kubernetes secret "dwh-config", never from env=
        env_from=[k8s.V1EnvFromSource(secret_ref=k8s.V1SecretEnvSource(name="dwh-config"))],
        get_logs=True,
        on_finish_action="delete_succeeded_pod",
    )`,
};

/**
 * Imports that work on Airflow 2.5+ and 3.x: the Airflow 3 location first, the Airflow 2 one as fallback.
 * (Airflow 3 moved DAG to airflow.sdk and BashOperator to the standard provider; 3.1 exports the timetables
 * from airflow.sdk; airflow.timetables.* serves 2.x and 3.0.)
 */
function importFirst(what: string, modern: string, legacy: string): string {
  return `try:
    from ${modern} import ${what}
except ImportError:
    from ${legacy} import ${what}`;
}

const TIMETABLES: Record<AirflowWindow, { name: string; legacy: string }> = {
  airflow: { name: 'CronDataIntervalTimetable', legacy: 'airflow.timetables.interval' },
  dwh: { name: 'CronTriggerTimetable', legacy: 'airflow.timetables.trigger' },
};

const operatorImports: Record<AirflowOperator, string[]> = {
  bash: [importFirst('BashOperator', 'airflow.providers.standard.operators.bash', 'airflow.operators.bash')],
  docker: [
    'from airflow.providers.docker.operators.docker import DockerOperator',
    'from docker.types import Mount',
  ],
  kubernetes: [
    'from airflow.providers.cncf.kubernetes.operators.pod import KubernetesPodOperator',
    'from kubernetes.client import models as k8s',
  ],
};

const DOCKER_SECRETS = `

# Variables handed to the container as secrets, read from the Airflow worker's environment where the task runs.
DWH_SECRET_VARIABLES = ("DWH_DATABASE_URL",)


def dwh_secrets():
    return {name: os.environ[name] for name in DWH_SECRET_VARIABLES if name in os.environ}

`;

function imageOf(project: ScheduledProject, options: AirflowOptions): string {
  return notTemplated(
    (options.image ?? 'dwh-{name}:latest').replace(/\{name\}/g, project.ref.name),
    '--image',
  );
}

function pyList(items: string[]): string {
  return `[${items.map(py).join(', ')}]`;
}

function timedelta(seconds: number): string {
  return `timedelta(seconds=${Math.ceil(seconds)})`;
}

export function dagId(project: ScheduledProject): string {
  return `dwh_${project.ref.group}_${project.ref.name}`.replace(/[^A-Za-z0-9_.-]/g, '_');
}

/**
 * Airflow's retries of the run: the project's `retries` and `retryDelayMs` unless the command line sets them.
 * (No exponential backoff: Airflow 3 changed what `retry_exponential_backoff` means.)
 */
function retryArgs(project: ScheduledProject, options: AirflowOptions): string {
  const p = project.parameters;
  return `        "retries": ${options.retries ?? p.retries},
        "retry_delay": ${timedelta(options.retryDelaySeconds ?? p.retryDelayMs / 1000)},`;
}

function executionTimeout(project: ScheduledProject, options: AirflowOptions): string {
  if (options.executionTimeoutSeconds !== undefined)
    return `        "execution_timeout": ${timedelta(options.executionTimeoutSeconds)},`;
  const bound = runTimeBoundMs(project);
  return bound === null
    ? `        # a task without timeoutMs leaves the run unbounded: set timeoutMs or --execution-timeout
        "execution_timeout": None,`
    : `        # every task's attempts up to its timeoutMs, its retry delays, and 5 minutes for dwh itself
        "execution_timeout": ${timedelta(bound / 1000)},`;
}

function dagBlock(project: ScheduledProject, options: AirflowOptions, variable: string): string {
  const window = options.window ?? 'airflow';
  const start = options.startDate ?? project.parameters.fullLoadStartDate;
  const catchup =
    window === 'airflow'
      ? `    # every interval since start_date is loaded, one run at a time: none is lost while the DAG is paused
    catchup=True,`
      : `    # dwh loads from its watermark to now, so the next run covers any interval missed
    catchup=False,`;
  return `with DAG(
    dag_id=${py(dagId(project))},
    description=${py(project.parameters.description || `dwh project ${project.ref.group}/${project.ref.name}`)},
    schedule=${TIMETABLES[window].name}(${py(project.schedule)}, timezone="UTC"),
    start_date=datetime(${start.getUTCFullYear()}, ${start.getUTCMonth() + 1}, ${start.getUTCDate()}, tzinfo=timezone.utc),
${catchup}
    max_active_runs=1,
    default_args={
        "owner": "dwh",
${retryArgs(project, options)}
${executionTimeout(project, options)}
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
  const window = options.window ?? 'airflow';
  const timetable = TIMETABLES[window];
  const names = commentText(projects.map((p) => `${p.ref.group}/${p.ref.name}`).join(', '));
  const explained =
    window === 'airflow'
      ? '# Each DAG run executes `dwh run` for its data interval: exit 1 = run failed, 3 = already running.'
      : "# Each DAG run executes `dwh run` without dates: dwh's watermark decides the window (exit 1 = run failed).";
  return `# Generated by \`dwh airflow generate --operator ${options.operator} --window ${window}\` for ${names}.
# Regenerate instead of editing: the project's parameters.ts (schedule, description, retries, timeouts) is the source.
${explained}
# Runs on Airflow 2.5+ and 3.x.
${options.operator === 'docker' ? 'import os\n' : ''}from datetime import datetime, timedelta, timezone

${importFirst('DAG', 'airflow.sdk', 'airflow')}
${importFirst(timetable.name, 'airflow.sdk', timetable.legacy)}
${operatorImports[options.operator].join('\n')}
${options.operator === 'docker' ? DOCKER_SECRETS : ''}`;
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
