import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunRow } from '../../src/audit/run-store.js';
import type { AttemptRow } from '../../src/audit/task-run-store.js';
import { fixtureHome, runCli } from '../helpers/cli.js';
import { auditOf, runFixture } from '../helpers/run-fixture.js';
import { createTestDatabase, targetKinds, type TestDatabase } from '../helpers/test-databases.js';

type RunJson = RunRow & { attempts: AttemptRow[] };
const full = ['-l', 'F', '--end-date', '2026-01-03'];

describe.each(targetKinds)('runner: results between tasks (%s)', (kind) => {
  let db: TestDatabase;
  let env: Record<string, string>;
  beforeAll(async () => {
    db = await createTestDatabase(kind, 'runner-task-values');
    env = { ...db.env, DWH_HOME: fixtureHome };
  });
  afterAll(async () => {
    await db.drop();
  });

  async function run(mode: string) {
    const result = await runCli(['run', 'xcom', ...full], { env: { ...env, DWH_TEST_XCOM: mode } });
    const runs = JSON.parse((await runCli(['runs', 'xcom', '--json'], { env })).stdout) as RunJson[];
    const attempts = runs[0]!.attempts;
    const byTask = (task: string) => attempts.filter((a) => a.task_name === task);
    return { result, attempts, byTask };
  }

  it('a value passes downstream (CLI); only the succeeding attempt of a retried task is read and stored', async () => {
    const { result, byTask } = await run('');
    expect(result.code, result.stderr).toBe(0);
    // stored masked; the task downstream read it as returned (the length of apiKey)
    expect(byTask('produce')[0]!.value).toEqual({ rows: 3, apiKey: '***' });
    expect(byTask('flaky').map((a) => [a.attempt, a.status, a.value])).toEqual([
      [1, 'up_for_retry', null],
      [2, 'success', 'from attempt 2'],
    ]);
    expect(byTask('consume')[0]!.value).toEqual({ rows: 6, keyLength: 12, flaky: 'from attempt 2' });
    expect(byTask('report')[0]!.value).toEqual({ produced: true });
    expect(byTask('loner')[0]!.value).toBeNull();
  });

  it('a value passes downstream (API)', async () => {
    const report = await runFixture(db, 'xcom', { loadType: 'F', endDate: new Date('2026-01-03') });
    expect(report.status, report.error ?? '').toBe('success');
    const consume = report.result!.tasks.find((t) => t.name === 'consume')!;
    expect(consume.value).toEqual({ rows: 6, keyLength: 12, flaky: 'from attempt 2' });
    const { attempts } = await auditOf(db, report.runId!);
    expect(attempts.find((a) => a.task_name === 'consume')!.value).toEqual(consume.value);
  });

  it('a value that is not JSON fails the attempt, naming the task, without a retry', async () => {
    const { result, byTask } = await run('function');
    expect(result.code).toBe(1);
    const [attempt] = byTask('produce');
    expect([byTask('produce').length, attempt!.status, attempt!.value]).toEqual([1, 'failed', null]);
    expect(attempt!.error_message).toBe(
      "task 'produce': its value is not JSON: a function at next; a task's value must be JSON",
    );
    expect(byTask('consume')[0]!.status).toBe('upstream_failed');
  });

  it('an oversized value fails the attempt, naming the task and the limit', async () => {
    const { result, byTask } = await run('big');
    expect(result.code).toBe(1);
    expect(byTask('produce')[0]!.error_message).toMatch(
      /^task 'produce': its value is 70002 bytes as JSON, more than the 65536 a value may have/,
    );
  });

  it('reading a task that is not upstream fails, naming both', async () => {
    const { result, byTask } = await run('stray');
    expect(result.code).toBe(1);
    expect(byTask('loner')[0]!.error_message).toBe(
      "task 'loner': ctx.upstream('produce'): task 'produce' is not upstream of task 'loner'",
    );
    // the factory runs in this process through the API: it reads this process's environment
    process.env.DWH_TEST_XCOM = 'stray';
    const api = await runFixture(db, 'xcom', { loadType: 'F', endDate: new Date('2026-01-03') }).finally(
      () => delete process.env.DWH_TEST_XCOM,
    );
    expect(api.error).toBe(
      "task 'loner': task 'loner': ctx.upstream('produce'): task 'produce' is not upstream of task 'loner'",
    );
  });
});
