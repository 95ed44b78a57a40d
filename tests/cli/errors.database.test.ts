import { describe, expect, it } from 'vitest';
import { fixtureHome, runCli } from '../helpers/cli.js';

const server = process.env.DWH_TEST_DATABASE_URL;

describe('cli: an unreachable or missing database', () => {
  it.each([['run', 'ordering'], ['runs']])(
    'prints only the clean error, no driver stack trace, and exits 2 (dwh %s)',
    async (...args) => {
      const result = await runCli(args, {
        env: { DWH_HOME: fixtureHome, DWH_DATABASE_URL: 'postgres://etl:pw@127.0.0.1:1/warehouse' },
      });
      expect(result.code).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr).toBe(
        'dwh: error: cannot connect to postgres://etl:***@127.0.0.1:1/warehouse: connect ECONNREFUSED 127.0.0.1:1\n',
      );
    },
  );

  it.skipIf(!server)('says a database that does not exist, in one line, exit 2', async () => {
    const url = new URL(server!);
    url.pathname = '/dwh_no_such_database';
    const result = await runCli(['runs'], {
      env: { DWH_HOME: fixtureHome, DWH_DATABASE_URL: url.toString() },
    });
    expect(result.code).toBe(2);
    expect(result.stdout + result.stderr).not.toMatch(/Acquire connection error|parseErrorMessage|\n\s+at /);
    expect(result.stderr).toMatch(
      /^dwh: error: cannot connect to .*: database "dwh_no_such_database" does not exist\n$/,
    );
  });
});
