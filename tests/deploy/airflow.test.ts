import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { createDeployHome, type DeployHome } from './deploy-home.js';
import { mkdirSync, writeFileSync } from 'node:fs';

// Each test starts the CLI several times; on a busy two-core machine that takes a while.
vi.setConfig({ testTimeout: 300_000 });

/**
 * Reads a DAG file with Python's own parser (so it is valid Python) and reports, per DAG: its keyword
 * arguments, default_args, and the operator call with its keyword arguments; and every import, with the
 * `try: … except ImportError: …` pairs that make a file work on Airflow 2 and 3.
 */
const inspectDags = `
import ast, json, sys

tree = ast.parse(open(sys.argv[1]).read())
out = []
for node in ast.walk(tree):
    if isinstance(node, ast.With):
        call = node.items[0].context_expr
        if getattr(call.func, 'id', None) != 'DAG':
            continue
        kw = {k.arg: k.value for k in call.keywords}
        default_args = {ast.literal_eval(k): ast.unparse(v) for k, v in zip(kw['default_args'].keys, kw['default_args'].values)}
        op = node.body[0].value
        out.append({
            'dag_id': ast.literal_eval(kw['dag_id']),
            'schedule': ast.unparse(kw['schedule']),
            'catchup': ast.literal_eval(kw['catchup']),
            'max_active_runs': ast.literal_eval(kw['max_active_runs']),
            'start_date': ast.unparse(kw['start_date']),
            'default_args': default_args,
            'operator': op.func.id,
            'operator_args': {k.arg: ast.unparse(k.value) for k in op.keywords},
        })
imports = sorted(n.module + ':' + a.name for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) for a in n.names)
def names(body):
    return [n.module + ':' + a.name for n in body if isinstance(n, ast.ImportFrom) for a in n.names]
fallbacks = [
    [names(t.body), [ast.unparse(h.type) for h in t.handlers], names(h.body)]
    for t in ast.walk(tree) if isinstance(t, ast.Try) for h in t.handlers
]
calls = sorted({ast.unparse(n.func) for n in ast.walk(tree) if isinstance(n, ast.Call)})
print(json.dumps({'dags': out, 'imports': imports, 'fallbacks': fallbacks, 'calls': calls}))
`;

interface Inspected {
  dags: {
    dag_id: string;
    schedule: string;
    catchup: boolean;
    max_active_runs: number;
    start_date: string;
    default_args: Record<string, string>;
    operator: string;
    operator_args: Record<string, string>;
  }[];
  imports: string[];
  /** [imports tried first, exception caught, imports used instead] */
  fallbacks: [string[], string[], string[]][];
  calls: string[];
}

function inspect(file: string): Inspected {
  return JSON.parse(execFileSync('python3', ['-c', inspectDags, file], { encoding: 'utf8' })) as Inspected;
}

describe('airflow: generated DAGs', () => {
  let home: DeployHome;
  let out: string;
  beforeAll(() => {
    home = createDeployHome();
    out = mkdtempSync(path.join(os.tmpdir(), 'dwh-airflow-'));
  });
  afterAll(() => {
    home.remove();
    rmSync(out, { recursive: true, force: true });
  });

  async function generate(dir: string, ...args: string[]): Promise<string[]> {
    const result = await runCli(['airflow', 'generate', '--out', dir, ...args], {
      env: { DWH_HOME: home.dir },
    });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    return readdirSync(dir).sort();
  }

  it('writes one valid Python DAG per scheduled project with a BashOperator running dwh for the data interval', async () => {
    const dir = path.join(out, 'bash');
    expect(await generate(dir, '--retries', '3', '--home', '/srv/dwh')).toEqual([
      'dwh_deploy_backfill_days.py',
      'dwh_deploy_docker_demo.py',
    ]);
    const { dags, imports } = inspect(path.join(dir, 'dwh_deploy_backfill_days.py'));
    expect(imports).toContain('airflow.operators.bash:BashOperator');
    expect(dags).toHaveLength(1);
    const dag = dags[0]!;
    expect(dag).toMatchObject({
      dag_id: 'dwh_deploy_backfill_days',
      max_active_runs: 1,
      operator: 'BashOperator',
    });
    expect(dag.start_date).toBe('datetime(2026, 1, 1, tzinfo=timezone.utc)');
    expect(dag.default_args).toMatchObject({
      retries: '3',
      email_on_failure: 'False',
    });
    expect(dag.operator_args.bash_command).toBe(
      `'cd /srv/dwh && npx --no-install dwh run deploy/backfill_days --start-date "{{ data_interval_start }}" --end-date "{{ data_interval_end }}"'`,
    );
    expect(inspect(path.join(dir, 'dwh_deploy_docker_demo.py')).dags[0]!.schedule).toBe(
      "CronDataIntervalTimetable('@daily', timezone='UTC')",
    );
  });

  it('--window airflow: a timetable with real data intervals and catchup, so each run loads its interval', async () => {
    const dir = path.join(out, 'window-airflow');
    await generate(dir, '--window', 'airflow', '--project', 'backfill_days');
    const { dags } = inspect(path.join(dir, 'dwh_deploy_backfill_days.py'));
    // a bare cron string is a CronTriggerTimetable on Airflow 3, whose data interval is zero-width
    expect(dags[0]!.schedule).toBe("CronDataIntervalTimetable('30 2 * * *', timezone='UTC')");
    // intervals missed while the DAG was paused are still run, one at a time
    expect(dags[0]!).toMatchObject({ catchup: true, max_active_runs: 1 });
    expect(dags[0]!.operator_args.bash_command).toContain('--start-date "{{ data_interval_start }}"');
  });

  it('--window dwh: no dates, dwh loads from its watermark; a trigger timetable without catchup', async () => {
    const dir = path.join(out, 'window-dwh');
    await generate(dir, '--window', 'dwh', '--operator', 'docker', '--project', 'docker_demo');
    const file = path.join(dir, 'dwh_deploy_docker_demo.py');
    const { dags } = inspect(file);
    expect(dags[0]!.schedule).toBe("CronTriggerTimetable('@daily', timezone='UTC')");
    expect(dags[0]!).toMatchObject({ catchup: false, max_active_runs: 1 });
    expect(dags[0]!.operator_args.command).toBe("['run', 'deploy/docker_demo']");
    expect(readFileSync(file, 'utf8')).not.toContain('data_interval');
  });

  it('imports DAG, the timetable and BashOperator from their Airflow 3 home first, Airflow 2 as fallback', async () => {
    for (const window of ['airflow', 'dwh']) {
      const dir = path.join(out, `imports-${window}`);
      await generate(dir, '--window', window, '--project', 'backfill_days');
      const { fallbacks } = inspect(path.join(dir, 'dwh_deploy_backfill_days.py'));
      const timetable =
        window === 'airflow'
          ? ['airflow.timetables.interval:CronDataIntervalTimetable', 'airflow.sdk:CronDataIntervalTimetable']
          : ['airflow.timetables.trigger:CronTriggerTimetable', 'airflow.sdk:CronTriggerTimetable'];
      expect(fallbacks).toEqual([
        [['airflow.sdk:DAG'], ['ImportError'], ['airflow:DAG']],
        [[timetable[1]!], ['ImportError'], [timetable[0]!]],
        [
          ['airflow.providers.standard.operators.bash:BashOperator'],
          ['ImportError'],
          ['airflow.operators.bash:BashOperator'],
        ],
      ]);
    }
  });

  it('runs the project image with a DockerOperator, config mounted and secrets private, never templated', async () => {
    const dir = path.join(out, 'docker');
    await generate(dir, '--operator', 'docker', '--project', 'docker_demo', '--env', 'override');
    const file = path.join(dir, 'dwh_deploy_docker_demo.py');
    const { dags, imports, calls } = inspect(file);
    expect(imports).toContain('airflow.providers.docker.operators.docker:DockerOperator');
    const dag = dags[0]!;
    expect(dag).toMatchObject({ operator: 'DockerOperator', max_active_runs: 1 });
    expect(dag.operator_args.image).toBe("'dwh-docker_demo:latest'");
    expect(dag.operator_args.command).toBe(
      "['run', 'deploy/docker_demo', '--start-date', '{{ data_interval_start }}', '--end-date', '{{ data_interval_end }}', '--env', 'override']",
    );
    expect(dag.operator_args.mounts).toContain("target='/opt/dwh/config'");
    expect(dag.operator_args.mounts).toContain('read_only=True');
    // `environment` is a template field Airflow renders in its UI; private_environment is neither
    expect(dag.operator_args).not.toHaveProperty('environment');
    expect(dag.operator_args.private_environment).toBe('dwh_secrets()');
    const text = readFileSync(file, 'utf8');
    expect(text).toContain('DWH_SECRET_VARIABLES = ("DWH_DATABASE_URL",)');
    expect(text).not.toMatch(/\{\{ *var\./);
    // nothing reads the metadata database while the scheduler parses the file
    expect(calls).not.toContain('Variable.get');
  });

  it('runs the project image in a pod with a KubernetesPodOperator, secrets from a Kubernetes secret', async () => {
    const dir = path.join(out, 'kubernetes');
    await generate(dir, '--operator', 'kubernetes', '--image', 'registry.example.com/dwh/{name}:2.1.0');
    const { dags, imports } = inspect(path.join(dir, 'dwh_deploy_docker_demo.py'));
    expect(imports).toContain('airflow.providers.cncf.kubernetes.operators.pod:KubernetesPodOperator');
    const dag = dags[0]!;
    expect(dag.operator).toBe('KubernetesPodOperator');
    expect(dag.operator_args.image).toBe("'registry.example.com/dwh/docker_demo:2.1.0'");
    expect(dag.operator_args.arguments).toContain("'--start-date', '{{ data_interval_start }}'");
    expect(dag.operator_args.arguments).toContain("'--end-date', '{{ data_interval_end }}'");
    expect(dag.operator_args.env_from).toContain("name='dwh-config'");
    expect(dag.operator_args).not.toHaveProperty('env_vars');
  });

  it('can group every project into one file holding a DAG each', async () => {
    const dir = path.join(out, 'grouped');
    expect(await generate(dir, '--grouped')).toEqual(['dwh_dags.py']);
    const { dags } = inspect(path.join(dir, 'dwh_dags.py'));
    expect(dags.map((d) => [d.dag_id, d.schedule, d.catchup])).toEqual([
      ['dwh_deploy_backfill_days', "CronDataIntervalTimetable('30 2 * * *', timezone='UTC')", true],
      ['dwh_deploy_docker_demo', "CronDataIntervalTimetable('@daily', timezone='UTC')", true],
    ]);
    expect(readFileSync(path.join(dir, 'dwh_dags.py'), 'utf8')).toMatch(
      /^# Generated by `dwh airflow generate/,
    );
  });

  it('rejects an unknown operator', async () => {
    const bad = await runCli(['airflow', 'generate', '--operator', 'celery', '--out', out], {
      env: { DWH_HOME: home.dir },
    });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/Allowed choices are bash, docker, kubernetes/);
  });
});

/** A project that does not import 'dwh' (so it loads from a temporary home), with tasks and their options. */
function writeTimedProject(
  home: string,
  group: string,
  name: string,
  parameters: Record<string, unknown>,
  tasks: Record<string, unknown>[],
): void {
  const dir = path.join(home, 'projects', group, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    path.join(dir, 'parameters.ts'),
    `export default ${JSON.stringify({ name, version: '1.0.0', target: { database: 'test', table: name }, fullLoadStartDate: '2026-01-01', schedule: '0 6 * * *', ...parameters })};\n`,
  );
  writeFileSync(
    path.join(dir, 'factory.ts'),
    `const tasks = ${JSON.stringify(tasks)};\nexport default { kind: 'factory', tasks: tasks.map(({ name, ...options }) => ({ kind: 'task', name, fn: async () => {}, options })) };\n`,
  );
}

describe('airflow: execution timeout, retries and what may not reach a DAG file', () => {
  let home: DeployHome;
  let out: string;
  beforeAll(() => {
    home = createDeployHome([]);
    out = mkdtempSync(path.join(os.tmpdir(), 'dwh-airflow-timed-'));
    // load: 10 min × 2 attempts + 1 min delay; publish: 2 min × 1 attempt; disabled: not counted
    writeTimedProject(home.dir, 'af', 'af_timed', { timeoutMs: 600_000, retries: 1, retryDelayMs: 60_000 }, [
      { name: 'load' },
      { name: 'publish', timeoutMs: 120_000, retries: 0 },
      { name: 'off', enabled: false },
    ]);
    writeTimedProject(home.dir, 'af', 'af_unbounded', { retries: 2, retryDelayMs: 90_000 }, [
      { name: 'load', timeoutMs: 60_000 },
      { name: 'publish' },
    ]);
  });
  afterAll(() => {
    home.remove();
    rmSync(out, { recursive: true, force: true });
  });

  async function generateOne(project: string, ...args: string[]) {
    const dir = mkdtempSync(path.join(out, 'dags-'));
    const result = await runCli(['airflow', 'generate', '--out', dir, '--project', project, ...args], {
      env: { DWH_HOME: home.dir },
    });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    return inspect(path.join(dir, `dwh_af_${project}.py`)).dags[0]!;
  }

  it("execution_timeout bounds every task's attempts, retry delays and dwh's own start (5 min)", async () => {
    const dag = await generateOne('af_timed');
    // 10·2 + 1 + 2 + 5 = 28 minutes
    expect(dag.default_args.execution_timeout).toBe('timedelta(seconds=1680)');
    expect((await generateOne('af_timed', '--execution-timeout', '90')).default_args.execution_timeout).toBe(
      'timedelta(seconds=5400)',
    );
  });

  it('a task without a timeout leaves execution_timeout at None unless --execution-timeout is given', async () => {
    const dag = await generateOne('af_unbounded');
    expect(dag.default_args.execution_timeout).toBe('None');
  });

  it("Airflow retries follow the project's retries and retryDelayMs unless set on the command line", async () => {
    const dag = await generateOne('af_unbounded');
    expect(dag.default_args).toMatchObject({ retries: '2', retry_delay: 'timedelta(seconds=90)' });
    const set = await generateOne('af_unbounded', '--retries', '0', '--retry-delay', '10');
    expect(set.default_args).toMatchObject({ retries: '0', retry_delay: 'timedelta(seconds=600)' });
  });

  it('--start-date sets the first data interval instead of fullLoadStartDate', async () => {
    const dag = await generateOne('af_timed', '--start-date', '2026-11-15');
    expect(dag.start_date).toBe('datetime(2026, 11, 15, tzinfo=timezone.utc)');
  });

  it('a line break in a description or a project folder cannot add Python statements', async () => {
    writeTimedProject(
      home.dir,
      'af\nimport os; os.system("x")',
      'af_injected',
      { description: 'one\nimport sys' },
      [],
    );
    const dir = mkdtempSync(path.join(out, 'dags-'));
    const result = await runCli(['airflow', 'generate', '--out', dir, '--project', 'af_injected'], {
      env: { DWH_HOME: home.dir },
    });
    expect(result.code, result.stderr).toBe(0);
    const file = path.join(dir, readdirSync(dir)[0]!);
    const { dags, calls } = inspect(file);
    expect(dags).toHaveLength(1);
    expect(calls).not.toContain('os.system');
    expect(readFileSync(file, 'utf8')).toContain('description="one\\nimport sys"');
    rmSync(path.join(home.dir, 'projects', 'af\nimport os; os.system("x")'), {
      recursive: true,
      force: true,
    });
  });

  it('refuses Jinja markers in values Airflow renders as templates', async () => {
    const dir = mkdtempSync(path.join(out, 'dags-'));
    const result = await runCli(
      ['airflow', 'generate', '--out', dir, '--project', 'af_timed', '--home', '/srv/{{ var.value.x }}'],
      { env: { DWH_HOME: home.dir } },
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`--home "/srv/{{ var.value.x }}" holds '{{', '{%' or '{#'`);
  });
});
