import type { ResolvedConfig } from '../core/config.js';
import { EXIT, UsageError, errorMessage, type ExitCode } from '../core/errors.js';
import type { LoadedProject } from '../core/project-loader.js';
import type { LoadType } from '../core/types.js';
import type { Warehouse } from '../db/connection.js';
import { warehousePoolSize } from '../core/parallelism.js';
import { redactText } from '../logging/redact.js';
import { loadEmailSettings } from '../notify/email-settings.js';
import {
  claimBackfill,
  createBackfill,
  findBackfill,
  finishBackfill,
  finishWindow,
  listBackfillWindows,
  startWindow,
  type BackfillKey,
  type BackfillRow,
  type BackfillWindowRow,
} from '../audit/backfill-store.js';
// the progress line repeats every window: whole seconds (`4 s`, `1 m 05 s`) read better there
import { formatShortDuration as formatDuration } from '../present/durations.js';
import { planBackfillWindows } from './backfill-windows.js';
import { executeRun } from './execute-run.js';
import { planWindow } from './plan-window.js';
import { loadRunProject } from './run-project.js';
import type { Printer } from './run-report.js';
import { withRunSession, type RunSession } from './run-session.js';

export interface BackfillRequest {
  /** `<name>` or `<group>/<name>`. */
  project: string;
  startDate: Date;
  /** Exclusive end of the range. */
  endDate: Date;
  /** Days per window; each window is one run. (Default: 1) */
  loadDays?: number;
  /** Load type recorded for every window's run. (Default: the project's loadType) */
  loadType?: LoadType;
  /** Continue a backfill with the same arguments that stopped on a failed window. (Default: false) */
  fromFailed?: boolean;
  /** Run the remaining windows after a failed one instead of stopping. (Default: false) */
  continueOnFailure?: boolean;
  environment?: string;
  /** Each run's log lines on the console too. (Default: false: progress lines only; logs go to the files) */
  console?: boolean;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Run parameters given to every window's run (see RunRequest.params). (Default: the schema's defaults) */
  params?: Readonly<Record<string, unknown>>;
}

export interface BackfillReport {
  backfillId: number;
  /** True when an earlier backfill with the same arguments was continued. */
  resumed: boolean;
  status: 'success' | 'failed';
  windows: BackfillWindowRow[];
  exitCode: ExitCode;
}

/**
 * Runs a project once per window of `loadDays` days over `[startDate, endDate)`, in order, each window a normal
 * run tagged with the backfill id. The project's run lock is held for the whole backfill, so no ordinary run
 * interleaves with it. The backfill and its windows are stored in dwh.backfills / dwh.backfill_windows: running
 * the same command again after a kill continues from the first window that has not succeeded.
 */
export async function runBackfill(
  request: BackfillRequest,
  print: Printer = () => {},
): Promise<BackfillReport> {
  const { config, ref, project, params } = await loadRunProject({
    ...request,
    env: request.env ?? process.env,
  });
  const loadDays = request.loadDays ?? 1;
  const planned = planBackfillWindows(request.startDate, request.endDate, loadDays);
  const key: BackfillKey = {
    project: ref.name,
    environment: config.environment,
    loadType: request.loadType ?? project.parameters.loadType,
    start: request.startDate,
    end: request.endDate,
    loadDays,
  };

  // one session for every window: no ordinary run of the project interleaves with the backfill
  return withRunSession(
    config,
    ref.name,
    {
      command: `backfill ${ref.name}`,
      poolSize: warehousePoolSize(project.parameters.maxParallelTasks),
    },
    async (session) => {
      const { warehouse } = session;
      const { backfillId, resumed } = await openBackfill(warehouse, key, planned, request, print);
      const windows = await listBackfillWindows(warehouse, backfillId);
      const status = await runWindows({
        request,
        config,
        project,
        session,
        backfillId,
        windows,
        key,
        print,
        params,
      });
      return {
        backfillId,
        resumed,
        status,
        windows: await listBackfillWindows(warehouse, backfillId),
        exitCode: status === 'success' ? EXIT.success : EXIT.runFailed,
      };
    },
  );
}

/** Continues the earlier backfill with the same arguments when it did not finish; otherwise starts a new one. */
async function openBackfill(
  warehouse: Warehouse,
  key: BackfillKey,
  planned: ReturnType<typeof planBackfillWindows>,
  request: BackfillRequest,
  print: Printer,
): Promise<{ backfillId: number; resumed: boolean }> {
  const existing = await findBackfill(warehouse, key);
  const range = `${key.start.toISOString()} → ${key.end.toISOString()}`;
  if (existing?.status === 'failed') {
    const windows = await listBackfillWindows(warehouse, existing.backfill_id);
    const failed = windows.find((w) => w.status === 'failed');
    if (!request.fromFailed) {
      throw new UsageError(
        `backfill ${existing.backfill_id} of '${key.project}' over ${range} (${key.loadDays} day(s) per window) ` +
          `stopped on a failed window${failed ? ` ${failed.window_index}/${windows.length}` : ''}` +
          `${existing.error_message ? `: ${existing.error_message}` : ''}. ` +
          'Re-run with --from-failed to continue it from there.',
      );
    }
    await claimBackfill(warehouse, existing.backfill_id);
    print(
      `continuing backfill ${existing.backfill_id} of ${key.project} from its failed window(s) (${range})`,
    );
    return { backfillId: existing.backfill_id, resumed: true };
  }
  if (existing?.status === 'running') {
    // We hold the project's run lock, so the process that recorded it as running is gone.
    await claimBackfill(warehouse, existing.backfill_id);
    print(
      `resuming backfill ${existing.backfill_id} of ${key.project} (${range}): process ${existing.pid} on ` +
        `${existing.host} stopped without finishing it`,
    );
    return { backfillId: existing.backfill_id, resumed: true };
  }
  if (request.fromFailed) {
    throw new UsageError(
      `--from-failed: no failed backfill of '${key.project}' over ${range} with ${key.loadDays} day(s) per window ` +
        `and load type ${key.loadType} in environment '${key.environment}'${describeLast(existing)}`,
    );
  }
  const backfillId = await createBackfill(warehouse, key, planned);
  print(
    `backfill ${backfillId} of ${key.project}: ${planned.length} window(s) of ${key.loadDays} day(s), ` +
      `load type ${key.loadType}, ${range}`,
  );
  return { backfillId, resumed: false };
}

function describeLast(row: BackfillRow | null): string {
  return row ? ` (the latest one, ${row.backfill_id}, is ${row.status})` : '';
}

interface WindowsInput {
  request: BackfillRequest;
  config: ResolvedConfig;
  project: LoadedProject;
  session: RunSession;
  backfillId: number;
  windows: BackfillWindowRow[];
  key: BackfillKey;
  print: Printer;
  /** The run parameters of every window, validated. */
  params: Readonly<Record<string, unknown>>;
}

async function runWindows(input: WindowsInput): Promise<'success' | 'failed'> {
  const { backfillId, windows, print, request } = input;
  const { warehouse } = input.session;
  const total = windows.length;
  const todo = windows.filter((w) => w.status !== 'success');
  const done = total - todo.length;
  if (done > 0)
    print(
      `${done}/${total} window(s) already successful: continuing with window ${todo[0]?.window_index ?? '-'}`,
    );

  let interrupted: NodeJS.Signals | null = null;
  const onSignal = (signal: NodeJS.Signals) => {
    interrupted = signal;
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const durations: number[] = [];
  let firstFailure: string | null = null;
  try {
    for (const [position, window] of todo.entries()) {
      if (interrupted) {
        firstFailure ??= `interrupted by ${interrupted as string} before window ${window.window_index}/${total}`;
        break;
      }
      const label = `[${window.window_index}/${total}] ${day(window.start_load_date)} → ${day(window.end_load_date)}`;
      print(`${label} running…`);
      await startWindow(warehouse, backfillId, window.window_index);
      const began = Date.now();
      const outcome = await runWindow(input, window);
      durations.push(Date.now() - began);
      await finishWindow(warehouse, backfillId, window.window_index, outcome);
      const remaining = todo.length - position - 1;
      const average = durations.reduce((a, b) => a + b, 0) / durations.length;
      const eta = remaining ? ` — ${remaining} to go, ETA ${formatDuration(average * remaining)}` : '';
      const run = outcome.runId === null ? 'no run recorded' : `run ${outcome.runId}`;
      print(
        `${label} ${outcome.status} in ${formatDuration(Date.now() - began)} (${run}` +
          `${outcome.status === 'success' ? `, ${outcome.records} records` : `: ${outcome.errorMessage ?? 'failed'}`})${eta}`,
      );
      if (outcome.status === 'failed') {
        firstFailure ??= `window ${window.window_index}/${total} failed: ${outcome.errorMessage ?? 'see its run'}`;
        if (!request.continueOnFailure) break;
      }
    }
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  const finalWindows = await listBackfillWindows(warehouse, backfillId);
  const succeeded = finalWindows.filter((w) => w.status === 'success').length;
  const status = succeeded === total ? 'success' : 'failed';
  await finishBackfill(warehouse, backfillId, status, status === 'failed' ? firstFailure : null);
  print(`backfill ${backfillId}: ${status.toUpperCase()} — ${succeeded}/${total} window(s) successful`);
  if (status === 'failed') {
    print(`  ${firstFailure ?? 'not every window succeeded'}`);
    print(
      '  re-run the same command with --from-failed to continue from the first window not yet successful',
    );
  }
  return status;
}

async function runWindow(
  input: WindowsInput,
  window: BackfillWindowRow,
): Promise<{
  status: 'success' | 'failed';
  runId: number | null;
  records: number;
  errorMessage: string | null;
}> {
  const { config, project, session } = input;
  try {
    const email = loadEmailSettings(config);
    const loadWindow = await planWindow(
      session.warehouse,
      project,
      { loadType: input.key.loadType, startDate: window.start_load_date, endDate: window.end_load_date },
      { readOnly: false },
    );
    const report = await executeRun({
      config,
      project,
      session,
      window: loadWindow,
      selected: undefined,
      parallel: project.parameters.maxParallelTasks,
      email,
      console: input.request.console ?? false,
      // recovered when the session opened, before the backfill's first window
      crashed: [],
      backfillId: input.backfillId,
      params: input.params,
    });
    return {
      status: report.status === 'success' ? 'success' : 'failed',
      runId: report.runId,
      records: report.result?.records ?? 0,
      errorMessage: report.error && redactText(report.error),
    };
  } catch (error) {
    // Raised before the run row existed (bad window, bad e-mail settings): the window fails, with why.
    return { status: 'failed', runId: null, records: 0, errorMessage: redactText(errorMessage(error)) };
  }
}

function day(date: Date): string {
  const iso = date.toISOString();
  return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso;
}
