import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { RunRow } from '../../src/audit/run-store.js';
import { byLogStart } from '../../src/logging/run-log.js';
import { repoRoot, runCli, type CliResult } from '../helpers/cli.js';
import type { TestDatabase } from '../helpers/test-databases.js';

export const notifyHome = path.join(repoRoot, 'tests/fixtures/notify-home');
export const SMTP_PASSWORD = 'pa55-Secret-smtp-9137';

/** `dwh <args>` in the notification test home, against the test's database and SMTP port. */
export function dwh(db: TestDatabase | null, port: number, args: string[]): Promise<CliResult> {
  return runCli(args, {
    env: {
      ...db?.env,
      DWH_HOME: notifyHome,
      DWH_TEST_SMTP_PORT: String(port),
      DWH_TEST_SMTP_PASSWORD: SMTP_PASSWORD,
    },
  });
}

/** The latest etl_runs row of a project. */
export async function lastRun(db: TestDatabase, project: string): Promise<RunRow> {
  const warehouse = await db.open();
  try {
    const [row] = await warehouse.query<RunRow>(
      'select * from dwh.etl_runs where project_name = $1 order by run_id desc limit 1',
      [project],
    );
    if (!row) throw new Error(`no run of ${project}`);
    return row;
  } finally {
    await warehouse.close();
  }
}

/** The newest run log of a project. */
export function latestLog(db: TestDatabase, project: string): string {
  const dir = path.join(db.metadataDir, project, 'logs');
  // two runs in the same second: the later one's file is `…_2_etl.log`
  const newest = readdirSync(dir).sort(byLogStart).at(-1);
  if (!newest) throw new Error(`no log in ${dir}`);
  return readFileSync(path.join(dir, newest), 'utf8');
}
