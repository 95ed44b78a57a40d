/** Files of a new project (`dwh new <group>/<name>`): a small project that runs as generated. */
export function newProjectFiles(group: string, name: string, today: Date): Record<string, string> {
  const start = firstLoadStart(today);
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
    'run.sh': shellLauncher(group, name, 'run.sh', 'local'),
    'run_docker.sh': shellLauncher(group, name, 'run_docker.sh', 'docker'),
    'run.bat': batchLauncher(group, name, 'run.bat', 'local'),
    'run_docker.bat': batchLauncher(group, name, 'run_docker.bat', 'docker'),
  };
}

/**
 * `fullLoadStartDate` of a new project: the 1st of the previous month (UTC). The first window ends today at
 * midnight UTC, so it always holds a month or more of days, even when the project is created on the 1st.
 */
export function firstLoadStart(today: Date): string {
  const start = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth() - 1, 1));
  return start.toISOString().slice(0, 10);
}

type LauncherKind = 'local' | 'docker';

const outcomes = `0 success, 1 run failed, 2 bad usage/config, 3 refused (already running)`;

/**
 * `run.sh` / `run_docker.sh`: run the project (arguments go to `dwh run`), or `backfill …` (to `dwh backfill`);
 * the Docker one also has `build`. Environment variables pass through; the exit code is dwh's.
 */
function shellLauncher(group: string, name: string, file: string, kind: LauncherKind): string {
  const project = `${group}/${name}`;
  const modes =
    kind === 'local'
      ? `#   ./${file}                              incremental run (dwh run ${project})
#   ./${file} --load-type F                full load; any dwh run option works (--start-date, --env, --tasks)
#   ./${file} backfill --start-date 2026-01-01 --end-date 2026-04-01 --load-days 7 [--load-type F]`
      : `#   ./${file} build                        build the image (dwh docker build ${project})
#   ./${file}                              run in the container; dwh run options work (--load-type F)
#   ./${file} backfill --start-date 2026-01-01 --end-date 2026-04-01 --load-days 7
# DWH_IMAGE selects the image (default: the one dwh docker build tags).`;
  const command =
    kind === 'local'
      ? `$DWH "$mode" "$project" "$@"`
      : `if [ "$mode" = build ]; then
  $DWH docker build "$project" \${DWH_IMAGE:+--tag "$DWH_IMAGE"} "$@"
elif [ "$mode" = backfill ]; then
  $DWH docker run "$project" \${DWH_IMAGE:+--image "$DWH_IMAGE"} -- backfill "$@"
else
  $DWH docker run "$project" \${DWH_IMAGE:+--image "$DWH_IMAGE"} -- "$@"
fi`;
  return `#!/usr/bin/env sh
# Launcher of ${project}${kind === 'docker' ? ' in its Docker image' : ''}.
${modes}
# Environment variables (DWH_ENV, DWH_DATABASE_URL, …) pass through; DWH_CLI overrides how dwh is started.
# Exit code: dwh's: ${outcomes}.
project=${project}
cd "$(dirname "$0")/../../.." || { echo "${file}: cannot enter the dwh home" >&2; exit 2; }
DWH=\${DWH_CLI:-npx --no-install dwh}
mode=run
case "\${1:-}" in
  backfill${kind === 'docker' ? '|build' : ''}) mode=$1; shift ;;
esac
echo "$(date -u +%Y-%m-%dT%H:%M:%SZ) ${file}: ${kind === 'docker' ? 'docker ' : ''}$mode $project $* (environment \${DWH_ENV:-default})"
${command}
status=$?
case $status in
  0) outcome=success ;;
  1) outcome="run failed" ;;
  2) outcome="bad usage or configuration" ;;
  3) outcome="refused: the project is already running" ;;
  126|127) outcome="dwh could not be started (npm install in the home, or set DWH_CLI)" ;;
  *) outcome="unexpected exit code" ;;
esac
echo "$(date -u +%Y-%m-%dT%H:%M:%SZ) ${file}: finished with exit code $status ($outcome)"
exit $status
`;
}

/** `run.bat` / `run_docker.bat`: the same modes as the shell launchers, for Windows. */
function batchLauncher(group: string, name: string, file: string, kind: LauncherKind): string {
  const project = `${group}/${name}`;
  const modes =
    kind === 'local'
      ? `rem   ${file}                            incremental run (dwh run ${project})
rem   ${file} --load-type F              full load; any dwh run option works
rem   ${file} backfill --start-date 2026-01-01 --end-date 2026-04-01 --load-days 7`
      : `rem   ${file} build                      build the image (dwh docker build ${project})
rem   ${file}                            run in the container; dwh run options work (--load-type F)
rem   ${file} backfill --start-date 2026-01-01 --end-date 2026-04-01 --load-days 7
rem DWH_IMAGE selects the image (default: the one dwh docker build tags).`;
  const command =
    kind === 'local'
      ? `call %DWH% %MODE% %PROJECT% %ARGS%`
      : `set "IMAGE_TAG="
set "IMAGE_RUN="
if not "%DWH_IMAGE%"=="" set "IMAGE_TAG=--tag %DWH_IMAGE%"
if not "%DWH_IMAGE%"=="" set "IMAGE_RUN=--image %DWH_IMAGE%"
if "%MODE%"=="build" (
  call %DWH% docker build %PROJECT% %IMAGE_TAG% %ARGS%
) else if "%MODE%"=="backfill" (
  call %DWH% docker run %PROJECT% %IMAGE_RUN% -- backfill %ARGS%
) else (
  call %DWH% docker run %PROJECT% %IMAGE_RUN% -- %ARGS%
)`;
  return `@echo off
rem Launcher of ${project}${kind === 'docker' ? ' in its Docker image' : ''}.
${modes}
rem Environment variables (DWH_ENV, DWH_DATABASE_URL, ...) pass through; DWH_CLI overrides how dwh is started.
rem Exit code: dwh's: ${outcomes}.
setlocal
set "PROJECT=${project}"
cd /d "%~dp0..\\..\\.." || (echo ${file}: cannot enter the dwh home 1>&2 & exit /b 2)
if "%DWH_CLI%"=="" (set "DWH=npx --no-install dwh") else (set "DWH=%DWH_CLI%")
set "MODE=run"
if /i "%~1"=="backfill" (set "MODE=backfill" & shift)
${kind === 'docker' ? 'if /i "%~1"=="build" (set "MODE=build" & shift)\n' : ''}set "ARGS="
:collect
if "%~1"=="" goto launch
set ARGS=%ARGS% %1
shift
goto collect
:launch
echo ${file}: ${kind === 'docker' ? 'docker ' : ''}%MODE% %PROJECT%%ARGS%
${command}
set "STATUS=%ERRORLEVEL%"
if "%STATUS%"=="0" echo ${file}: finished with exit code 0 (success)
if "%STATUS%"=="1" echo ${file}: finished with exit code 1 (run failed)
if "%STATUS%"=="2" echo ${file}: finished with exit code 2 (bad usage or configuration)
if "%STATUS%"=="3" echo ${file}: finished with exit code 3 (refused: the project is already running)
if %STATUS% GTR 3 echo ${file}: finished with exit code %STATUS% (dwh could not be started or failed unexpectedly)
exit /b %STATUS%
`.replace(/\n/g, '\r\n'); // cmd.exe mis-jumps to labels in LF-only files
}
