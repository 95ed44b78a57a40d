import { auditExists, lastSuccessfulRun } from '../audit/run-store.js';
import { computeWindow } from '../audit/window.js';
import type { LoadedProject } from '../core/project-loader.js';
import type { LoadType, LoadWindow } from '../core/types.js';
import type { Warehouse } from '../db/connection.js';

/** What the window of a run is computed from, besides the project's parameters. */
export interface WindowRequest {
  loadType: LoadType;
  /** The clock, for the window end. (Default: now) */
  now?: Date;
  /** Overrides the computed start. */
  startDate?: Date;
  /** Overrides the computed end. */
  endDate?: Date;
}

/**
 * The load window of the next run: an incremental one starts from the last complete, successful run's
 * watermark. `readOnly` (a dry run) reads a warehouse that may have no audit schema yet: no run, no watermark.
 */
export async function planWindow(
  warehouse: Warehouse,
  project: LoadedProject,
  request: WindowRequest,
  options: { readOnly: boolean },
): Promise<LoadWindow> {
  let previous = null;
  if (request.loadType === 'I') {
    const hasAudit = !options.readOnly || (await auditExists(warehouse));
    const row = hasAudit ? await lastSuccessfulRun(warehouse, project.ref.name) : null;
    previous = row ? { dataMaxDate: row.data_max_date, endLoadDate: row.end_load_date } : null;
  }
  return computeWindow({
    loadType: request.loadType,
    now: request.now ?? new Date(),
    grain: project.parameters.windowGrain,
    fullLoadStartDate: project.parameters.fullLoadStartDate,
    lookbackDays: project.parameters.lookbackDays,
    previous,
    ...(request.startDate ? { startOverride: request.startDate } : {}),
    ...(request.endDate ? { endOverride: request.endDate } : {}),
  });
}

/** The dependencies of a selected task that `--tasks` leaves out: it runs without them. */
export function unselectedDependencies(
  dependsOn: readonly string[],
  selected: ReadonlySet<string>,
): string[] {
  return dependsOn.filter((d) => !selected.has(d));
}
