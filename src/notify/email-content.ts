/**
 * What a run e-mail says, independent of how it is rendered: `RunEmail` fills it in, `renderText` and
 * `renderHtml` turn it into the two bodies. This file imports neither side, so neither depends on the other.
 */

/** One row of the task table. */
export interface TaskRow {
  name: string;
  status: string;
  attempts: number;
  duration: string;
  records: string;
  error: string;
}

/** One data quality check that did not pass, and the summary of all checks of the run. */
interface CheckRow {
  name: string;
  type: string;
  table: string;
  severity: string;
  status: string;
  observed: string;
  threshold: string;
  failingRows: string;
  message: string;
  /** `task #attempt` the result belongs to, or '' for checks run outside a task. */
  attempt: string;
}

export interface CheckSummary {
  total: number;
  passed: number;
  rows: CheckRow[];
  /** `task #attempt` of tasks whose checks are from a retry (only the last attempt's results are counted). */
  retried: string[];
}

export interface ErrorBlock {
  title: string;
  detail: string;
}

export interface LogBlock {
  title: string;
  text: string;
}

/** Everything a renderer needs; every string is already redacted. */
export interface EmailContent {
  subject: string;
  heading: string;
  status: 'success' | 'failed';
  info: [label: string, value: string][];
  tasks: TaskRow[];
  /** What tasks reported as warnings (e.g. facts mapped to the unknown member), one line each. */
  warnings: { task: string; text: string }[];
  /** Null when the run executed no data quality check. */
  checks: CheckSummary | null;
  errors: ErrorBlock[];
  logs: LogBlock[];
}

/** `3 check(s): 1 passed, 2 did not pass`, naming the attempt when the checks are from a retry. */
export function checkSummaryLine(checks: CheckSummary): string {
  const { total, passed, rows, retried } = checks;
  const from = retried.length ? ` (results of the last attempt: ${retried.join(', ')})` : '';
  return `${total} check(s)${from}: ${passed} passed, ${rows.length} did not pass`;
}
