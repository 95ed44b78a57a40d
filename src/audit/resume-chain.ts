import type { Warehouse } from '../db/connection.js';
import type { RunRow } from './run-store.js';

/**
 * Runs linked by etl_runs.resumed_from (`dwh run --resume`): a failed or crashed run, the run that resumed it,
 * the run that resumed that one… — a chain of runs of one window, each resumed at most once.
 */

type Reader = Pick<Warehouse, 'query'>;

/** The project's newest run (by run_id), whatever its status; null when it never ran. */
export async function latestRunOf(warehouse: Reader, project: string): Promise<RunRow | null> {
  const [row] = await warehouse.query<RunRow>(
    `select * from dwh.etl_runs where project_name = $1 order by run_id desc limit 1`,
    [project],
  );
  return row ?? null;
}

/** The run and the runs it resumed, directly or through others: oldest first, `runId` last. */
export async function resumeChainOf(warehouse: Reader, runId: number): Promise<RunRow[]> {
  return warehouse.query<RunRow>(
    `with recursive chain as (
       select run_id, resumed_from, 0 as depth from dwh.etl_runs where run_id = $1
       union all
       select r.run_id, r.resumed_from, chain.depth + 1
       from dwh.etl_runs r join chain on r.run_id = chain.resumed_from
     )
     select r.* from chain join dwh.etl_runs r on r.run_id = chain.run_id order by chain.depth desc`,
    [runId],
  );
}

/** The newest run that resumed `runId`, directly or through others; null when none did. */
export async function newestResumeOf(warehouse: Reader, runId: number): Promise<RunRow | null> {
  const [row] = await warehouse.query<RunRow>(
    `with recursive later as (
       select run_id from dwh.etl_runs where resumed_from = $1
       union all
       select r.run_id from dwh.etl_runs r join later on r.resumed_from = later.run_id
     )
     select r.* from later join dwh.etl_runs r on r.run_id = later.run_id order by r.run_id desc limit 1`,
    [runId],
  );
  return row ?? null;
}
