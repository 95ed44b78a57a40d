import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureHome, runCli } from '../helpers/cli.js';
import { createTestDatabase, targetKinds, type TestDatabase } from '../helpers/test-databases.js';

const factory = (project: string) => `projects/broken/${project}/factory.ts`;

describe.each(targetKinds)('cli: task semantics are checked when the project loads (%s)', (kind) => {
  let db: TestDatabase;
  let env: Record<string, string>;
  beforeAll(async () => {
    db = await createTestDatabase(kind, 'cli-task-semantics');
    env = { ...db.env, DWH_HOME: fixtureHome };
  });
  afterAll(async () => {
    await db.drop();
  });

  const cases: Array<[string, string, string]> = [
    [
      'an unknown trigger rule',
      'bad_trigger_rule',
      `${factory('bad_trigger_rule')}: task 'alert': options.triggerRule: Invalid option: expected one of ` +
        '"all_success"|"all_done"|"all_failed"|"one_failed"|"one_success"|"none_failed"|' +
        '"none_failed_min_one_success"|"always" (got "one_fail")',
    ],
    [
      'a branch that declares a choice that is not its direct downstream task',
      'bad_branch_choice',
      `${factory('bad_branch_choice')}: task 'choose': options.choices.1: 'extract' is not a direct downstream ` +
        'task of this branch (direct downstream: load) (got "extract")',
    ],
    [
      'a dependency cycle through a group',
      'group_cycle',
      `${factory('group_cycle')}: project 'group_cycle': dependency cycle: dims.customer → facts → ` +
        "dims.customer (through group 'dims')",
    ],
  ];

  it.each(cases)('rejects %s with exit 2, naming the file and the task', async (_case, project, message) => {
    for (const command of [
      ['run', project],
      ['validate', project],
    ]) {
      const result = await runCli(command, { env });
      expect(`${result.stderr}${result.stdout}`).toContain(message);
      expect(result.code).toBe(2);
    }
    // nothing ran
    const runs = await runCli(['runs', project, '--json'], { env });
    expect(JSON.parse(runs.stdout || '[]')).toEqual([]);
  });
});
