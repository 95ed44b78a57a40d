import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { createDeployHome, type DeployHome } from './deploy-home.js';

// Each test starts the CLI several times; on a busy two-core machine that takes a while.
vi.setConfig({ testTimeout: 300_000 });

/**
 * Reads a DAG file with Python's own parser (so it is valid Python) and reports, per DAG: its keyword
 * arguments, default_args, and the operator call with its keyword arguments.
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
            'schedule': ast.literal_eval(kw['schedule']),
            'catchup': ast.literal_eval(kw['catchup']),
            'max_active_runs': ast.literal_eval(kw['max_active_runs']),
            'start_date': ast.unparse(kw['start_date']),
            'default_args': default_args,
            'operator': op.func.id,
            'operator_args': {k.arg: ast.unparse(k.value) for k in op.keywords},
        })
imports = sorted(n.module + ':' + a.name for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) for a in n.names)
print(json.dumps({'dags': out, 'imports': imports}))
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
      schedule: '30 2 * * *',
      catchup: false,
      max_active_runs: 1,
      operator: 'BashOperator',
    });
    expect(dag.start_date).toBe('datetime(2026, 1, 1, tzinfo=timezone.utc)');
    expect(dag.default_args).toMatchObject({
      retries: '3',
      retry_delay: 'timedelta(minutes=5)',
      email_on_failure: 'False',
    });
    expect(dag.operator_args.bash_command).toBe(
      `'cd /srv/dwh && npx --no-install dwh run deploy/backfill_days --start-date "{{ data_interval_start }}" --end-date "{{ data_interval_end }}"'`,
    );
    expect(inspect(path.join(dir, 'dwh_deploy_docker_demo.py')).dags[0]!.schedule).toBe('@daily');
  });

  it('runs the project image with a DockerOperator, config mounted rather than baked in', async () => {
    const dir = path.join(out, 'docker');
    await generate(dir, '--operator', 'docker', '--project', 'docker_demo', '--env', 'override');
    const { dags, imports } = inspect(path.join(dir, 'dwh_deploy_docker_demo.py'));
    expect(imports).toContain('airflow.providers.docker.operators.docker:DockerOperator');
    const dag = dags[0]!;
    expect(dag).toMatchObject({ operator: 'DockerOperator', schedule: '@daily', catchup: false });
    expect(dag.default_args.retries).toBe('1');
    expect(dag.operator_args.image).toBe("'dwh-docker_demo:latest'");
    expect(dag.operator_args.command).toBe(
      "['run', 'deploy/docker_demo', '--start-date', '{{ data_interval_start }}', '--end-date', '{{ data_interval_end }}', '--env', 'override']",
    );
    expect(dag.operator_args.mounts).toContain("target='/opt/dwh/config'");
    expect(dag.operator_args.mounts).toContain('read_only=True');
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
  });

  it('can group every project into one file holding a DAG each', async () => {
    const dir = path.join(out, 'grouped');
    expect(await generate(dir, '--grouped')).toEqual(['dwh_dags.py']);
    const { dags } = inspect(path.join(dir, 'dwh_dags.py'));
    expect(dags.map((d) => [d.dag_id, d.schedule, d.catchup])).toEqual([
      ['dwh_deploy_backfill_days', '30 2 * * *', false],
      ['dwh_deploy_docker_demo', '@daily', false],
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
