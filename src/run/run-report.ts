import type { RunKind } from '../audit/run-kind.js';
import type { ResolvedConfig } from '../core/config.js';
import type { ExitCode } from '../core/errors.js';
import type { LoadedProject } from '../core/project-loader.js';
import type { RunnerResult } from '../core/runner.js';
import type { LoadWindow } from '../core/types.js';

/** What one run (or dry run) of a project returns; the console shows it (src/cli/run-console.ts). */
export interface RunReport {
  runId: number | null;
  project: LoadedProject;
  config: ResolvedConfig;
  window: LoadWindow;
  status: 'success' | 'failed' | 'planned';
  /** `full`, or `partial` when `--tasks` left tasks out: planned for a dry run, what it turned out to be otherwise. */
  kind: RunKind;
  result: RunnerResult | null;
  error: string | null;
  logFile: string | null;
  exitCode: ExitCode;
  /** What was stored in etl_runs.email_status: `sent`, `skipped: …` or `failed: …`. (Not set for dry runs) */
  emailStatus?: string;
  /** What a dry run would do. (Set for dry runs only) */
  plan?: RunPlan;
  /** The run a resumed run (`--resume`) resumed; its reused tasks have `reusedFrom`. (Set for those only) */
  resumedFrom?: number;
}

/** The parts of a dry run's plan that the report does not hold already. */
export interface RunPlan {
  /** The warehouse the run would write to, as `Warehouse.description` shows it. */
  database: string;
  /** The tasks `--tasks` selects. (Default: every task) */
  selected?: ReadonlySet<string>;
}

/** Lines for the console (progress of a backfill, a wait for another run); logs go through pino. */
export type Printer = (line: string) => void;
