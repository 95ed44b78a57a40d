import type { Warehouse } from '../db/connection.js';
import { assessLateness, graceFor, type Lateness } from './lateness.js';
import type { CatalogEntry } from './project-catalog.js';
import { auditExists, lastSuccesses, recentRunsByProject, type RunSummary } from './run-history.js';
import { median, projectTrends, type ProjectTrends } from './run-stats.js';

/** One project as the grid and `dwh monitor` show it. */
export interface ProjectHealth {
  project: string;
  /** Null for a project that has runs in the audit but no folder under projects/ (removed or renamed). */
  group: string | null;
  schedule: string | null;
  loadError: string | null;
  /** Recent runs, newest first. */
  runs: RunSummary[];
  lastRun: RunSummary | null;
  lastSuccess: RunSummary | null;
  lateness: Lateness;
  trends: ProjectTrends;
}

/** Runs per project read for trends and the grid. */
export const RECENT_RUNS = 25;

/** Projects from the folder and from the audit, each with its recent runs, lateness and trends. */
export async function projectHealth(
  warehouse: Warehouse,
  catalog: CatalogEntry[],
  now: Date,
  recent = RECENT_RUNS,
): Promise<ProjectHealth[]> {
  const hasAudit = await auditExists(warehouse);
  const runs = hasAudit ? await recentRunsByProject(warehouse, recent, now) : [];
  const successes = hasAudit ? await lastSuccesses(warehouse) : new Map<string, RunSummary>();
  const names = new Set([...catalog.map((c) => c.name), ...runs.map((r) => r.project)]);
  const byName = new Map(catalog.map((c) => [c.name, c]));
  return [...names]
    .map((name) => {
      const entry = byName.get(name);
      const own = runs.filter((r) => r.project === name);
      const lastSuccess = successes.get(name) ?? null;
      // a lost run (stale heartbeat) is not running: the project counts as late once its grace has passed
      const running = own.find((r) => r.status === 'running') ?? null;
      const lost = own.find((r) => r.status === 'lost') ?? null;
      const usual = median(own.filter((r) => r.status === 'success').map((r) => r.durationMs ?? 0));
      return {
        project: name,
        group: entry?.group ?? null,
        schedule: entry?.schedule ?? null,
        loadError: entry?.loadError ?? null,
        runs: own,
        lastRun: own[0] ?? null,
        lastSuccess,
        lateness: assessLateness({
          schedule: entry?.schedule,
          lastSuccessStart: lastSuccess?.startedAt ?? null,
          runningSince: running?.startedAt ?? null,
          lostRun: lost,
          now,
          graceMs: graceFor(usual),
        }),
        trends: projectTrends(own),
      };
    })
    .sort((a, b) => `${a.group ?? '~'}/${a.project}`.localeCompare(`${b.group ?? '~'}/${b.project}`));
}
