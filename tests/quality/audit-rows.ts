import type { Warehouse } from '../../src/db/connection.js';

/** Plants a finished run in dwh.etl_runs, as an earlier `dwh run` would have left it. */
export async function plantRun(
  warehouse: Warehouse,
  run: { project: string; status?: string; records?: number; start?: string; end?: string; endedAt?: Date },
): Promise<number> {
  const [row] = await warehouse.query<{ run_id: number }>(
    `insert into dwh.etl_runs (project_name, environment, script_version, load_type, start_load_date,
       end_load_date, status, number_of_records, host, pid, end_script_execution_time, start_script_execution_time)
     values ($1, 'local', '1.0.0', 'I', $2, $3, $4, $5, 'test-host', 1, $6, $6::timestamptz - interval '1 minute')
     returning run_id`,
    [
      run.project,
      run.start ?? '2026-03-01T00:00:00Z',
      run.end ?? '2026-03-02T00:00:00Z',
      run.status ?? 'success',
      run.records ?? 0,
      run.endedAt ?? new Date(),
    ],
  );
  return Number(row!.run_id);
}
