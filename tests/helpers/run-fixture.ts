import { runProject, type RunReport, type RunRequest } from '../../src/run/run-project.js';
import type { RunRow } from '../../src/audit/run-store.js';
import type { AttemptRow } from '../../src/audit/task-run-store.js';
import { fixtureHome } from './cli.js';
import type { TestDatabase } from './test-databases.js';

/** Runs a fixture project in-process through the public runProject API, with no console output. */
export function runFixture(
  db: TestDatabase,
  project: string,
  request: Partial<RunRequest> = {},
): Promise<RunReport> {
  return runProject({
    project,
    console: false,
    env: { DWH_HOME: fixtureHome, ...db.env },
    ...request,
  });
}

/** The audit rows of one run, read back from the database. */
export async function auditOf(
  db: TestDatabase,
  runId: number,
): Promise<{ run: RunRow; attempts: AttemptRow[] }> {
  const warehouse = await db.open();
  try {
    const [run] = await warehouse.query<RunRow>('select * from dwh.etl_runs where run_id = $1', [runId]);
    const attempts = await warehouse.query<AttemptRow>(
      'select * from dwh.etl_task_runs where run_id = $1 order by started_at, task_name, attempt',
      [runId],
    );
    if (!run) throw new Error(`run ${runId} not found`);
    return { run, attempts };
  } finally {
    await warehouse.close();
  }
}
