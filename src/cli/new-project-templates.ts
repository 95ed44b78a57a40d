/** Files of a new project (`dwh new <group>/<name>`): a small project that runs as generated. */
export function newProjectFiles(group: string, name: string, today: Date): Record<string, string> {
  const start = `${today.getUTCFullYear()}-${String(today.getUTCMonth() + 1).padStart(2, '0')}-01`;
  return {
    'parameters.ts': `import { defineProject } from 'dwh';

export default defineProject({
  name: '${name}',
  version: '0.1.0',
  description: 'TODO: what ${name} loads, from where, for whom',
  target: { database: 'warehouse', schema: 'public', table: '${name}' },
  loadType: 'I',
  fullLoadStartDate: '${start}',
  lookbackDays: 0,
  retries: 1,
  retryDelayMs: 2000,
  keepOutput: true,
  logRetention: { days: 30, runs: 100 },
});
`,
    'factory.ts': `import { defineFactory, partial, task } from 'dwh';
import { exportWindow, loadDays } from './worker.js';

export default defineFactory([
  task('load_days', partial(loadDays, { table: '${name}' }), {
    description: 'one row per day of the load window',
  }),
  task('export_window', partial(exportWindow, { table: '${name}' }), {
    description: 'the window rows as a CSV under metadata/${name}/output',
    dependsOn: ['load_days'],
  }),
]);
`,
    'worker.ts': `import type { TaskContext } from 'dwh';

/** Upserts one row per day of [start, end) with queries/load_days.sql and reports the data dates. */
export async function loadDays(ctx: TaskContext, args: { table: string }) {
  const rows = await ctx.sql.file<{ day: string }>('queries/load_days.sql');
  ctx.log.info(\`\${rows.length} day(s) loaded into \${args.table}\`);
  const days = rows.map((row) => row.day).sort();
  return { records: rows.length, dataMinDate: days[0] ?? null, dataMaxDate: days.at(-1) ?? null };
}

export async function exportWindow(ctx: TaskContext, args: { table: string }) {
  const rows = await ctx.db(args.table)
    .where('day', '>=', ctx.window.start)
    .andWhere('day', '<', ctx.window.end)
    .orderBy('day');
  const file = await ctx.output.writeCsv(rows, args.table);
  ctx.log.info(\`wrote \${file}\`);
}
`,
    'alter_tables.sql': `-- DDL history of ${name}: append statements, never edit applied ones. Each runs once.
CREATE TABLE IF NOT EXISTS ${name} (
  day       date PRIMARY KEY,
  value     numeric(12, 2) NOT NULL,
  run_id    bigint NOT NULL,
  loaded_at timestamptz NOT NULL DEFAULT now()
);
`,
    'queries/load_days.sql': `-- :start_load_date, :end_load_date and :run_id are bound by ctx.sql.file
INSERT INTO ${name} (day, value, run_id)
SELECT d::date, round((extract(doy FROM d) * 1.5)::numeric, 2), :run_id
FROM generate_series(:start_load_date::timestamptz, :end_load_date::timestamptz - interval '1 day', interval '1 day') AS d
ON CONFLICT (day) DO UPDATE SET value = excluded.value, run_id = excluded.run_id, loaded_at = now()
RETURNING to_char(day, 'YYYY-MM-DD') AS day;
`,
    'metadata/project.yaml': `# Free-form metadata of ${name} (owners, sources, SLAs) read by your tasks.
owner: TODO
sources: []
`,
    'run.sh': `#!/usr/bin/env sh
# Runs ${group}/${name}. Arguments go to \`dwh run\`: ./run.sh --load-type F, ./run.sh --start-date 2026-01-01
# Exit code: 0 success, 1 run failed, 2 bad usage/config, 3 already running.
cd "$(dirname "$0")/../../.." || exit 2
echo "dwh run ${group}/${name} $*"
npx --no-install dwh run ${group}/${name} "$@"
status=$?
echo "dwh run ${group}/${name} finished with exit code $status"
exit $status
`,
    'run.bat': `@echo off
rem Runs ${group}/${name}. Arguments go to "dwh run": run.bat --load-type F
rem Exit code: 0 success, 1 run failed, 2 bad usage/config, 3 already running.
setlocal
cd /d "%~dp0..\\..\\.." || exit /b 2
echo dwh run ${group}/${name} %*
call npx --no-install dwh run ${group}/${name} %*
set status=%ERRORLEVEL%
echo dwh run ${group}/${name} finished with exit code %status%
exit /b %status%
`,
  };
}
