import type { Warehouse } from '../db/connection.js';
import type { Lateness } from './lateness.js';
import { pgHealth, type PgHealth, type PgHealthOptions } from './pg-health.js';
import type { CatalogEntry } from './project-catalog.js';
import { projectHealth, type ProjectHealth } from './project-health.js';
import type { ProjectTrends } from './run-stats.js';
import { recordSizes, tableGrowth, type TableGrowth } from './size-history.js';

/** What `dwh monitor` prints and the health page shows: projects at a glance, then the database. */
export interface MonitorReport {
  generatedAt: Date;
  warehouse: { kind: Warehouse['kind']; description: string };
  projects: ProjectStatus[];
  postgres: PgHealth;
  /** Table size change against earlier `dwh monitor` measurements. */
  growth: TableGrowth;
}

interface RunRef {
  runId: number;
  status: string;
  startedAt: Date;
  durationMs: number | null;
  records: number;
}

export interface ProjectStatus {
  project: string;
  group: string | null;
  schedule: string | null;
  loadError: string | null;
  lastRun: RunRef | null;
  lastSuccess: RunRef | null;
  lateness: Lateness;
  trends: ProjectTrends;
  /** Failed or crashed runs among the recent ones. */
  recentFailures: number;
  recentRuns: number;
}

const ref = (run: ProjectHealth['lastRun']): RunRef | null =>
  run
    ? {
        runId: run.runId,
        status: run.status,
        startedAt: run.startedAt,
        durationMs: run.durationMs,
        records: run.records,
      }
    : null;

function projectStatus(p: ProjectHealth): ProjectStatus {
  return {
    project: p.project,
    group: p.group,
    schedule: p.schedule,
    loadError: p.loadError,
    lastRun: ref(p.lastRun),
    lastSuccess: ref(p.lastSuccess),
    lateness: p.lateness,
    trends: p.trends,
    recentFailures: p.runs.filter((r) => r.status === 'failed' || r.status === 'crashed').length,
    recentRuns: p.runs.length,
  };
}

export interface MonitorReportOptions extends PgHealthOptions {
  /** Where table sizes are kept for growth (metadata/monitor/). */
  metadataDir: string;
  /** Store this measurement for later growth figures (`dwh monitor` does; the read-only dashboard does not). */
  recordSizes?: boolean;
}

export async function buildMonitorReport(
  warehouse: Warehouse,
  catalog: CatalogEntry[],
  now: Date,
  options: MonitorReportOptions,
): Promise<MonitorReport> {
  const projects = await projectHealth(warehouse, catalog, now);
  const postgres = await pgHealth(warehouse, options);
  const tables = postgres.tables.available ? postgres.tables.rows : [];
  const growth = tableGrowth(options.metadataDir, warehouse.description, tables, now);
  if (options.recordSizes && postgres.tables.available)
    recordSizes(options.metadataDir, warehouse.description, tables, now);
  return {
    generatedAt: now,
    warehouse: { kind: warehouse.kind, description: warehouse.description },
    projects: projects.map(projectStatus),
    postgres,
    growth,
  };
}
