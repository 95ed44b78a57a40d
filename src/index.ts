/** The public API that projects import from 'dwh'. */
export { defineProject, projectParametersSchema } from './core/define-project.js';
export type { ProjectParameters, ProjectParametersInput } from './core/define-project.js';
export { defineFactory, partial, task } from './core/task.js';
export type {
  AttemptStatus,
  Factory,
  LoadType,
  LoadWindow,
  RetryPolicy,
  RunStatus,
  SqlRunner,
  TaskContext,
  TaskDefinition,
  TaskFunction,
  TaskOptions,
  TaskResult,
} from './core/types.js';
export type { OutputWriter, CsvRow } from './core/output.js';
export {
  ConfigError,
  DwhError,
  FactoryError,
  ProjectLoadError,
  ProjectNotFoundError,
  RunLockedError,
  TaskFailedError,
  TaskTimeoutError,
  WindowError,
  EXIT,
} from './core/errors.js';
export { quoteIdent } from './db/quote.js';
export { runProject } from './core/run-project.js';
export type { RunRequest, RunReport } from './core/run-project.js';
export { startDashboard } from './monitor/dashboard-server.js';
export type { Dashboard, DashboardOptions } from './monitor/dashboard-server.js';
export { buildMonitorReport } from './monitor/monitor-report.js';
export type { MonitorReport, ProjectStatus } from './monitor/monitor-report.js';
export { loadCatalog } from './monitor/project-catalog.js';
export {
  acceptedValues,
  expression,
  freshness,
  gaps,
  notNull,
  range,
  recordDiscrepancy,
  relationships,
  rowCount,
  schemaDrift,
  staleProjects,
  unique,
  volumeAnomaly,
} from './quality/constructors.js';
export { runChecks, evaluateCheck, ChecksFailedError } from './quality/run-checks.js';
export type { ChecksOutcome } from './quality/run-checks.js';
export { listDqResults, listProjectDqResults } from './quality/dq-results.js';
export type { DqResultRow } from './quality/dq-results.js';
export { loadValidationFile } from './quality/validation-file.js';
export type {
  Check,
  CheckKind,
  CheckResult,
  CheckStatus,
  CountSource,
  Severity,
  WindowSpec,
} from './quality/types.js';
