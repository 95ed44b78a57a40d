/**
 * 'dwh': what project files import to author a pipeline — projects, tasks and partial functions, the task
 * context, errors, checks, loaders, connectors, mappings and the warehouse builders. Operating projects
 * (running them from code, backfills, the dashboard, monitoring, e-mail, Docker, Airflow, cron) is 'dwh/ops'.
 */
export { defineProject, projectParametersSchema } from './core/define-project.js';
export type { ProjectParameters, ProjectParametersInput } from './core/define-project.js';
export type { ParamsOf } from './core/run-params.js';
export { MAX_VALUE_BYTES } from './core/task-values.js';
/** zod, for a project's run parameters (`params: z.object({...})`): the same copy dwh validates with. */
export { z } from 'zod';
export { defineFactory, partial, task } from './core/task.js';
export { branch } from './core/branching.js';
export type { BranchFunction, BranchOptions } from './core/branching.js';
export { group } from './core/task-groups.js';
export { TaskSkipped } from './core/skip-task.js';
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
export type { OutputWriter, CsvRow, WriteCsvOptions } from './core/output.js';
export {
  ConfigError,
  DataError,
  DwhError,
  FactoryError,
  NonRetryableError,
  ProjectLoadError,
  ProjectNotFoundError,
  RunLockedError,
  TaskTimeoutError,
  WindowError,
  EXIT,
} from './core/errors.js';
export { classifyError, isRetryable } from './core/retry-class.js';
export type { RetryDecision } from './core/retry-class.js';
export { quoteIdent } from './db/quote.js';
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
export { loadValidationFile } from './quality/validation-file.js';
export type { CheckKind, CheckResult, CheckStatus, DqResultRow, Severity } from './core/check-result.js';
export type { Check, CheckCommon, CountSource, WindowSpec } from './quality/types.js';
export { sensor } from './sensors/sensor.js';
export type { SensorOptions } from './sensors/sensor-options.js';
export type { SensorCondition, SensorPoke } from './sensors/sensor-loop.js';
export { fileSensor } from './sensors/file-sensor.js';
export type { FileSensorOptions } from './sensors/file-sensor.js';
export { sqlSensor } from './sensors/sql-sensor.js';
export type { SqlSensorOptions } from './sensors/sql-sensor.js';
export { sourceFreshnessSensor } from './sensors/source-freshness-sensor.js';
export type { SourceFreshnessSensorOptions } from './sensors/source-freshness-sensor.js';
export { projectSensor } from './sensors/project-sensor.js';
export type { ProjectSensorOptions } from './sensors/project-sensor.js';
export { httpSensor } from './sensors/http-sensor.js';
export type { HttpSensorOptions } from './sensors/http-sensor.js';
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
export type {
  Aggregation,
  AggregationPlan,
  BucketAggregation,
  DeltaAggregation,
  Measure,
  MeasureFunction,
  Period,
  RollingAggregation,
  RunningTotalAggregation,
  TumblingAggregation,
} from './warehouse/aggregation-sql.js';
export { aggregationTask, refreshAggregation } from './warehouse/aggregations.js';
export { inTransaction } from './warehouse/transaction.js';
export type { TxQuery } from './warehouse/transaction.js';
export type { Sql } from './db/sql.js';
export type { TableName } from './db/table-name.js';
export { StagingCheckError, UnknownMembersError, WarehouseError } from './warehouse/warehouse-error.js';
