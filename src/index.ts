/** The public API that projects import from 'dwh'. */
export { defineProject, projectParametersSchema } from './core/define-project.js';
export type { ProjectParameters, ProjectParametersInput } from './core/define-project.js';
export { defineFactory, partial, task } from './core/task.js';
export { branch } from './core/branching.js';
export type { BranchFunction, BranchOptions } from './core/branching.js';
export { group } from './core/task-groups.js';
export type {
  AttemptStatus,
  BranchSpec,
  Factory,
  FactoryEntry,
  GroupOptions,
  TaskGroup,
  TriggerRule,
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
  DataError,
  DwhError,
  FactoryError,
  NonRetryableError,
  ProjectLoadError,
  ProjectNotFoundError,
  RunLockedError,
  TaskFailedError,
  TaskTimeoutError,
  WindowError,
  EXIT,
} from './core/errors.js';
export { classifyError, isRetryable } from './core/retry-class.js';
export type { RetryDecision } from './core/retry-class.js';
export { quoteIdent } from './db/quote.js';
export { runProject } from './run/run-project.js';
export type { RunRequest, RunReport } from './run/run-project.js';
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
export { listDqResults, listProjectDqResults } from './audit/dq-result-store.js';
export type { DqResultRow } from './audit/dq-result-store.js';
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
export { extractLoad } from './connectors/extract-load.js';
export type { ExtractLoadOptions } from './connectors/extract-load.js';
export { ConnectorError } from './connectors/connector-error.js';
export type {
  Connector,
  ConnectorKind,
  ExtractContext,
  ExtractOptions,
  ExtractRequest,
} from './core/types.js';
export { loadTable, LoadError } from './db/load-table.js';
export type { LoadContext, LoadMode, LoadResult, LoadTableOptions } from './db/load-table.js';
export type { ByteSource, BytePart, LoadInput, LoadSource, RowBatch, RowSource } from './core/load-source.js';
export { defineMapping, loadMapping } from './transform/mapping.js';
export type { Mapping, MappingInput } from './transform/mapping.js';
export { transformRows } from './transform/transform-rows.js';
export type {
  MappingFunctions,
  RejectedRow,
  TransformedRows,
  TransformStats,
} from './transform/transform-rows.js';
export { TransformError } from './transform/transform-error.js';
export { CsvError } from './connectors/file/csv-reader.js';
export { loadEmailSettings } from './notify/email-settings.js';
export type { EmailSettings, RecipientGroup, SmtpSettings } from './notify/email-settings.js';
export { EmailSendError, sendEmail } from './notify/smtp-send.js';
export type { OutgoingEmail, SendReceipt } from './notify/smtp-send.js';
export { sendTestEmail } from './notify/test-email.js';
export { scdDimension } from './warehouse/scd-dimension.js';
export type { DimensionLoadResult, ScdDimension, ScdDimensionOptions } from './warehouse/scd-dimension.js';
export { factTable } from './warehouse/fact-table.js';
export type {
  FactDimension,
  FactLoadResult,
  FactTable,
  FactTableOptions,
  PlainLookup,
} from './warehouse/fact-table.js';
export { dateDimension } from './warehouse/date-dimension.js';
export type { DateDimension, DateDimensionOptions } from './warehouse/date-dimension.js';
export { stageTable, insertRowsSql } from './warehouse/staging.js';
export type { StageOptions } from './warehouse/staging.js';
export { applyViews, planViews, viewsTask } from './warehouse/views.js';
export type { ViewFile, ViewsResult } from './warehouse/views.js';
export { aggregationSql } from './warehouse/aggregation-sql.js';
export type { Aggregation, AggregationPlan, Measure, Period } from './warehouse/aggregation-sql.js';
export { aggregationTask, refreshAggregation } from './warehouse/aggregations.js';
export { inTransaction } from './warehouse/transaction.js';
export type { TxQuery } from './warehouse/transaction.js';
export type { Sql, TableName } from './warehouse/sql.js';
export { StagingCheckError, UnknownMembersError, WarehouseError } from './warehouse/warehouse-error.js';
export { runBackfill } from './run/backfill.js';
export type { BackfillReport, BackfillRequest } from './run/backfill.js';
export { planBackfillWindows } from './run/backfill-windows.js';
export type { BackfillWindow } from './audit/backfill-store.js';
export { cronExpressionProblem, nextRunTimes } from './core/cron-expression.js';
export { airflowDagFile, airflowGroupedDagFile } from './deploy/airflow-dag.js';
export type { AirflowOperator, AirflowOptions } from './deploy/airflow-dag.js';
export { buildProjectImage, runProjectContainer } from './deploy/docker-image.js';
export type { DockerBuildRequest, DockerRunRequest } from './deploy/docker-image.js';
