/**
 * 'dwh/ops': operating projects from code — run one, backfill a range, serve the dashboard, build the monitor
 * report, read check results, send e-mail, build Docker images and Airflow DAGs, read cron schedules. What
 * project files need to author a pipeline is 'dwh'.
 */
export { runProjectPrinted as runProject } from './cli/run-console.js';
export type { RunPlan, RunRequest, RunReport } from './run/run-project.js';
export { startDashboard } from './monitor/dashboard-server.js';
export type { Dashboard, DashboardOptions } from './monitor/dashboard-server.js';
export { buildMonitorReport } from './monitor/monitor-report.js';
export type { MonitorReport, ProjectStatus } from './monitor/monitor-report.js';
export { loadCatalog } from './monitor/project-catalog.js';
export { listDqResults, listProjectDqResults } from './audit/dq-result-store.js';
export { loadEmailSettings } from './notify/email-settings.js';
export type { EmailSettings, RecipientGroup, SmtpSettings } from './notify/email-settings.js';
export { EmailSendError, sendEmail } from './notify/smtp-send.js';
export type { OutgoingEmail, SendReceipt } from './notify/smtp-send.js';
export { sendTestEmail } from './notify/test-email.js';
export { runBackfill } from './run/backfill.js';
export type { BackfillReport, BackfillRequest } from './run/backfill.js';
export { planBackfillWindows } from './run/backfill-windows.js';
export type { BackfillWindow } from './audit/backfill-store.js';
export { cronExpressionProblem, nextRunTimes } from './core/cron-expression.js';
export { airflowDagFile, airflowGroupedDagFile } from './deploy/airflow-dag.js';
export type { AirflowOperator, AirflowOptions, AirflowWindow } from './deploy/airflow-dag.js';
export { buildProjectImage, runProjectContainer } from './deploy/docker-image.js';
export type { DockerBuildRequest, DockerRunRequest } from './deploy/docker-image.js';
export type { DqResultRow } from './core/check-result.js';
