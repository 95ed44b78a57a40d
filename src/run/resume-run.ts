import { latestRunOf, newestResumeOf, resumeChainOf } from '../audit/resume-chain.js';
import { readRun, type RunRow } from '../audit/run-store.js';
import { listAttempts } from '../audit/task-run-store.js';
import type { ResolvedConfig } from '../core/config.js';
import { UsageError } from '../core/errors.js';
import type { LoadedProject } from '../core/project-loader.js';
import { resumedRunParams } from '../core/resumed-params.js';
import type { ReusedTask } from '../core/reused-task.js';
import type { LoadWindow } from '../core/types.js';
import type { Warehouse } from '../db/connection.js';
import { reusableTasks } from './resume-reuse.js';

/**
 * `dwh run <project> --resume [runId]`: a new run, linked to a failed or crashed run (etl_runs.resumed_from),
 * for the same window, load type, previous max date, `--tasks` selection and run parameters, that reuses the
 * tasks that succeeded (see resume-reuse.ts) and runs the others again. Without an id: the project's latest
 * run. A run that was resumed already is resumed through the newest run of its chain.
 */

export interface ResumeRequest {
  /** The run to resume; null: the project's latest run. */
  runId: number | null;
  /** `--param` overrides of the resumed run's parameters. (Default: none) */
  params?: Readonly<Record<string, unknown>>;
}

export interface ResumePlan {
  /** The run resumed: the newest run of its chain, failed or crashed. */
  from: RunRow;
  /** The run ids of the chain, oldest first, `from` last. */
  chain: number[];
  window: LoadWindow;
  /** The resumed run's `--tasks` selection. (Default: every task) */
  selected: Set<string> | undefined;
  params: Record<string, unknown>;
  /** The tasks not run again, by name. */
  reused: Map<string, ReusedTask>;
  /** The other tasks (of the selection), in plan order: they run, or are decided, again. */
  again: string[];
  /** Lines for the run's log: the chain followed, a masked parameter. */
  notes: string[];
}

/** Run statuses a run can be resumed from. */
const RESUMABLE = new Set(['failed', 'crashed']);

/** Which run to resume and how; a UsageError (exit 2) when there is none to resume. */
export async function planResume(
  warehouse: Warehouse,
  config: ResolvedConfig,
  project: LoadedProject,
  request: ResumeRequest,
): Promise<ResumePlan> {
  const name = project.ref.name;
  const notes: string[] = [];
  const chosen = await chosenRun(warehouse, name, request.runId);
  const newer = await newestResumeOf(warehouse, chosen.run_id);
  const from = newer ?? chosen;
  if (newer)
    notes.push(`run ${chosen.run_id} was resumed by run ${newer.run_id}: resuming run ${newer.run_id}`);
  if (!RESUMABLE.has(from.status)) {
    const what = newer
      ? `run ${chosen.run_id} was resumed by run ${newer.run_id}, which`
      : request.runId === null
        ? `the latest run ${from.run_id}`
        : `run ${from.run_id}`;
    throw new UsageError(
      from.status === 'running'
        ? `--resume: ${what} is still running`
        : `nothing to resume: ${what} ${from.status === 'success' ? 'succeeded' : `is ${from.status}`}`,
    );
  }
  if (from.environment !== config.environment)
    throw new UsageError(
      `--resume: run ${from.run_id} ran in environment '${from.environment}', not '${config.environment}'; resume it with --env ${from.environment}`,
    );
  const chain = (await resumeChainOf(warehouse, from.run_id)).map((r) => Number(r.run_id));
  const names = new Set(project.plan.map((p) => p.task.name));
  const selected = from.selected_tasks ? new Set(from.selected_tasks.filter((t) => names.has(t))) : undefined;
  const { params, notes: paramNotes } = resumedRunParams(
    project,
    from.parameters.params,
    request.params,
    config.paths.home,
    from.run_id,
  );
  notes.push(...paramNotes);
  const reused = reusableTasks(project.plan, selected, chain, await listAttempts(warehouse, chain));
  const again = project.plan
    .map((p) => p.task.name)
    .filter((t) => (!selected || selected.has(t)) && !reused.has(t));
  return {
    from,
    chain,
    window: {
      loadType: from.load_type,
      start: from.start_load_date,
      end: from.end_load_date,
      previousMaxDate: from.previous_max_date,
    },
    selected,
    params,
    reused,
    again,
    notes,
  };
}

/** `resuming run 12: reusing a, b; re-running c, d` — for the run's log and its summary. */
export function resumeText(from: number, reused: readonly string[], again: readonly string[]): string {
  const list = (names: readonly string[]) => (names.length ? names.join(', ') : 'no task');
  return `resuming run ${from}: reusing ${list(reused)}; re-running ${list(again)}`;
}

/** The run `--resume [runId]` names, of this project; not yet followed along its chain. */
async function chosenRun(warehouse: Warehouse, project: string, runId: number | null): Promise<RunRow> {
  if (runId === null) {
    const latest = await latestRunOf(warehouse, project);
    if (!latest) throw new UsageError(`nothing to resume: project '${project}' has no run`);
    return latest;
  }
  const run = await readRun(warehouse, runId);
  if (!run) throw new UsageError(`--resume ${runId}: there is no run ${runId}`);
  if (run.project_name !== project)
    throw new UsageError(
      `--resume ${runId}: run ${runId} belongs to project '${run.project_name}', not '${project}'`,
    );
  return run;
}
