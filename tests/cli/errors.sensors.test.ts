import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureHome, runCli } from '../helpers/cli.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-databases.js';

const file = 'projects/broken/bad_sensors/factory.ts';

describe('cli: sensor options are checked when the project loads', () => {
  let db: TestDatabase;
  let env: Record<string, string>;
  beforeAll(async () => {
    db = await createTestDatabase('embedded', 'cli-bad-sensors');
    // the environment whose connectors the sensors name; the values are never connected to
    env = {
      ...db.env,
      DWH_HOME: fixtureHome,
      DWH_ENV: 'sensors',
      DWH_TEST_SENSOR_LANDING: 'landing',
      DWH_TEST_SENSOR_PG_URL: 'postgres://nobody@127.0.0.1:1/none',
    };
  });
  afterAll(async () => {
    await db.drop();
  });

  const problems = [
    "task 'no_timeout': fileSensor.timeoutMs: is required",
    "task 'interval_too_long': sqlSensor.pokeIntervalMs: must not be longer than timeoutMs (1000) (got 5000)",
    "task 'negative_interval': httpSensor.pokeIntervalMs: Too small: expected number to be >0 (got -1)",
    "task 'unknown_option': fileSensor: unknown option 'globb' (did you mean 'glob'?)",
    'task \'wrong_connector\': fileSensor.connector: is a postgres connector; this sensor reads file connectors (got "sensor_pg")',
    "task 'unknown_project': projectSensor.project: no project of that name under projects/ (did you mean 'sensor_upstream'?) (got \"sensor_upstreem\")",
    "task 'fractional_timeout': sensor.timeoutMs: Invalid input: expected int, received number (got 1.5)",
  ];

  it('rejects a sensor without a timeout, bad intervals, unknown options, connectors and projects (exit 2)', async () => {
    for (const command of [
      ['run', 'bad_sensors'],
      ['run', 'bad_sensors', '--dry-run'],
      ['validate', 'bad_sensors'],
    ]) {
      const result = await runCli(command, { env });
      const output = `${result.stderr}${result.stdout}`;
      expect(result.code, output).toBe(2);
      for (const problem of problems) expect(output, command.join(' ')).toContain(`${file}: ${problem}`);
    }
    expect(JSON.parse((await runCli(['runs', 'bad_sensors', '--json'], { env })).stdout || '[]')).toEqual([]);
  });
});
