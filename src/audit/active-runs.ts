import type { Warehouse } from '../db/connection.js';

export interface ActiveRun {
  runId: number;
  project: string;
  pid: number;
  host: string;
  startedAt: Date;
}

/**
 * Runs that are really going: marked `running` and their project's run lock (an advisory lock, see
 * run-lock.ts) held by a live session. A run left `running` by a crash holds no lock and is not listed.
 */
export async function listActiveRuns(warehouse: Warehouse): Promise<ActiveRun[]> {
  const [table] = await warehouse.query<{ t: string | null }>(
    `select to_regclass('dwh.etl_runs')::text as t`,
  );
  if (!table?.t) return [];
  // a bigint advisory key is stored as classid (high 32 bits) and objid (low 32 bits)
  const rows = await warehouse.query<{
    run_id: number;
    project_name: string;
    pid: number;
    host: string;
    started: Date;
  }>(
    `select r.run_id, r.project_name, r.pid, r.host, r.start_script_execution_time as started
       from dwh.etl_runs r
      where r.status = 'running'
        and exists (
          select 1 from pg_locks l
           where l.locktype = 'advisory' and l.granted and l.objsubid = 1
             and l.database = (select oid from pg_database where datname = current_database())
             and ((l.classid::bigint << 32) | l.objid::bigint) = hashtextextended('dwh.run:' || r.project_name, 0))
      order by r.run_id`,
  );
  return rows.map((row) => ({
    runId: Number(row.run_id),
    project: row.project_name,
    pid: row.pid,
    host: row.host,
    startedAt: row.started,
  }));
}
