import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunRow } from '../../src/audit/run-store.js';
import type { AttemptRow } from '../../src/audit/task-run-store.js';
import { fixtureHome, runCli } from '../helpers/cli.js';
import { createTestDatabase, targetKinds, type TestDatabase } from '../helpers/test-databases.js';
import { get, startTestDashboard } from '../monitor/dashboard-fixture.js';

type RunJson = RunRow & { attempts: AttemptRow[] };
const full = ['-l', 'F', '--end-date', '2026-02-01'];

describe.each(targetKinds)('runner: task groups, through the CLI (%s)', (kind) => {
  let db: TestDatabase;
  let env: Record<string, string>;
  beforeAll(async () => {
    db = await createTestDatabase(kind, 'runner-groups');
    env = { ...db.env, DWH_HOME: fixtureHome };
  });
  afterAll(async () => {
    await db.drop();
  });

  async function lastRun(): Promise<RunJson> {
    return (
      JSON.parse((await runCli(['runs', 'groups', '--json', '-n', '1'], { env })).stdout) as RunJson[]
    )[0]!;
  }

  it('names the tasks <group>.<task>; a dependency on a group waits for all its tasks', async () => {
    const plan = await runCli(['run', 'groups', '--dry-run', ...full], { env });
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout).toContain('dims.customer ← stage');
    expect(plan.stdout).toContain('dims.product ← stage');
    expect(plan.stdout).toContain('dims.check ← dims.customer, dims.product');
    expect(plan.stdout).toContain('facts ← dims.customer, dims.product, dims.check');
    expect(plan.stdout).toContain('marts.daily ← facts');
    expect(plan.stdout).toContain('marts.finance.ledger ← marts.daily');
    expect(plan.stdout).toContain('marts.finance.check ← dims.check, marts.daily');
    expect(plan.stdout).toContain(
      'report ← dims.customer, marts.daily, marts.finance.ledger, marts.finance.check',
    );

    const result = await runCli(['run', 'groups', ...full], { env });
    expect(result.code, result.stderr).toBe(0);
    const run = await lastRun();
    const at = Object.fromEntries(run.attempts.map((a) => [a.task_name, a]));
    expect(Object.keys(at).sort()).toEqual([
      'dims.check',
      'dims.customer',
      'dims.product',
      'facts',
      'marts.daily',
      'marts.finance.check',
      'marts.finance.ledger',
      'report',
      'stage',
    ]);
    const end = (t: string) => new Date(at[t]!.ended_at!).getTime();
    const start = (t: string) => new Date(at[t]!.started_at).getTime();
    for (const t of ['dims.customer', 'dims.product', 'dims.check'])
      expect(start('facts')).toBeGreaterThanOrEqual(end(t));
  });

  it('--tasks <group> selects every task of the group (nested groups included)', async () => {
    const result = await runCli(['run', 'groups', ...full, '--tasks', 'marts'], { env });
    expect(result.code, result.stderr).toBe(0);
    const run = await lastRun();
    expect(run.attempts.map((a) => a.task_name).sort()).toEqual([
      'marts.daily',
      'marts.finance.check',
      'marts.finance.ledger',
    ]);
    expect([run.run_kind, run.selected_tasks]).toEqual([
      'partial',
      ['marts.daily', 'marts.finance.ledger', 'marts.finance.check'],
    ]);
    const unknown = await runCli(['run', 'groups', ...full, '--tasks', 'mart'], { env });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("--tasks: unknown task(s) mart in project 'groups'");
    expect(unknown.stderr).toContain('; groups: dims, marts, marts.finance');
  });

  it('shows the tasks of a group under its heading on the dashboard run page', async () => {
    await runCli(['run', 'groups', ...full], { env });
    const run = await lastRun();
    const dashboard = await startTestDashboard(db);
    try {
      const { status, body } = await get(dashboard, `/runs/${run.run_id}`);
      expect(status).toBe(200);
      expect(body).toContain('<th colspan="8">group dims</th>');
      expect(body).toContain('<th colspan="8">group marts.finance</th>');
      // in the timeline: the heading, then the tasks by their names in the group
      expect(body).toMatch(/<text class="axis group"[^>]*\s*>dims<\/text/);
      expect(body).toMatch(/text-anchor="end"\s*>customer<\/text/);
    } finally {
      await dashboard.close();
    }
  });
});
