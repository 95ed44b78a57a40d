import type { DqResultRow } from '../core/check-result.js';
import type { TaskOutcome } from '../core/runner.js';
import type { LoadWindow } from '../core/types.js';
import { redactText } from '../logging/redact.js';
import { formatDuration } from '../present/durations.js';
import { formatInstant, formatWindow, type WindowOptions } from '../present/instants.js';
import { formatCount } from '../present/numbers.js';
import { oneLine, truncate } from '../present/text.js';
import type { CheckSummary, EmailContent, ErrorBlock, LogBlock, TaskRow } from './email-content.js';
import { renderHtml } from './render-html.js';
import { renderText } from './render-text.js';

/** What is known about a run when its mail is written. */
export interface RunEmailInfo {
  project: string;
  group: string;
  environment: string;
  version: string;
  runId: number;
  host: string;
  status: 'success' | 'failed';
  window: LoadWindow;
  dataMinDate: Date | null;
  dataMaxDate: Date | null;
  records: number;
  startedAt: Date;
  endedAt: Date;
  target: string;
  gitSha: string | null;
}

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

const MAX_TABLE_ERROR = 300;
const MAX_ERROR_DETAIL = 20_000;
const MAX_SUBJECT_ERROR = 120;
/** Hourly windows read `2026-11-21 13:00 UTC → 2026-11-21 14:00 UTC` in the subject and the info table. */
const WINDOW: WindowOptions = { trimSeconds: true };

/** The note beside a task: its error, or the run a resumed run reused it from; a sensor's pokes. */
function taskNote(task: TaskOutcome): string {
  const note = task.reusedFrom === undefined ? (task.error ?? '') : `reused from run ${task.reusedFrom}`;
  if (task.pokes === null || task.pokes === undefined) return note;
  const pokes = `${task.pokes} poke${task.pokes === 1 ? '' : 's'}`;
  return note ? `${note} (${pokes})` : pokes;
}

/**
 * The mail about one run, built up piece by piece as the run's parts become known (general info, one row per
 * task, the error, the log tail), then rendered as plain text and HTML. Everything added is passed through
 * redaction, so a secret that reached a message or a stack is masked here too.
 */
export class RunEmail {
  private readonly tasks: TaskRow[] = [];
  private readonly warnings: EmailContent['warnings'] = [];
  private readonly errors: ErrorBlock[] = [];
  private readonly logs: LogBlock[] = [];
  private checks: CheckSummary | null = null;
  private summaryError: string | null = null;

  constructor(private readonly info: RunEmailInfo) {}

  addTaskResult(task: TaskOutcome): this {
    this.tasks.push({
      name: task.name,
      status: task.status,
      attempts: task.attempts,
      duration: task.attempts ? formatDuration(task.durationMs) : '—',
      records: formatCount(task.records),
      error: truncate(redactText(taskNote(task)), MAX_TABLE_ERROR),
    });
    for (const text of task.warnings) this.warnings.push({ task: task.name, text: redactText(text) });
    return this;
  }

  /**
   * A failure: `summary` is one line (the first one goes into the subject), `detail` the message with its stack.
   */
  addError(title: string, summary: string, detail: string | null): this {
    this.summaryError ??= redactText(summary);
    this.errors.push({ title, detail: truncate(redactText(detail ?? summary), MAX_ERROR_DETAIL) });
    return this;
  }

  /** A data quality result of the run: counted, and listed when it did not pass. */
  addCheckResult(result: DqResultRow): this {
    this.checks ??= { total: 0, passed: 0, rows: [], retried: [] };
    this.checks.total += 1;
    const attempt = result.task_name ? `${result.task_name} #${result.attempt ?? 1}` : '';
    if ((result.attempt ?? 1) > 1 && !this.checks.retried.includes(attempt))
      this.checks.retried.push(attempt);
    if (result.status === 'pass') {
      this.checks.passed += 1;
      return this;
    }
    this.checks.rows.push({
      name: redactText(result.check_name),
      type: result.check_type,
      table: result.table_name ?? '',
      severity: result.severity,
      status: result.status,
      observed: result.observed_value === null ? '' : String(result.observed_value),
      threshold: result.threshold ?? '',
      failingRows: result.failing_row_count === null ? '' : formatCount(result.failing_row_count),
      message: truncate(redactText(result.message ?? ''), MAX_TABLE_ERROR),
      attempt,
    });
    return this;
  }

  addLogBlock(title: string, text: string): this {
    this.logs.push({ title, text: redactText(text) });
    return this;
  }

  subject(): string {
    const { info } = this;
    const rows = `${formatCount(info.records)} ${info.records === 1 ? 'row' : 'rows'}`;
    const base =
      `[dwh][${info.environment}] ${info.status === 'success' ? 'SUCCESS' : 'FAILED'} ${info.project} ` +
      `${formatWindow(info.window.start, info.window.end, WINDOW)} (${rows})`;
    if (info.status === 'success' || !this.summaryError) return base;
    return `${base}: ${oneLine(this.summaryError, MAX_SUBJECT_ERROR)}`;
  }

  content(): EmailContent {
    const { info } = this;
    const window = info.window;
    return {
      subject: this.subject(),
      heading: `${info.status === 'success' ? 'SUCCESS' : 'FAILED'}: ${info.group}/${info.project} (run ${info.runId})`,
      status: info.status,
      info: [
        ['Project', `${info.group}/${info.project}`],
        ['Environment', info.environment],
        ['Version', info.version + (info.gitSha ? ` (git ${info.gitSha.slice(0, 12)})` : '')],
        ['Status', info.status.toUpperCase()],
        ['Run id', String(info.runId)],
        ['Load type', window.loadType === 'F' ? 'F (full)' : 'I (incremental)'],
        ['Window', formatWindow(window.start, window.end, WINDOW)],
        ['Previous max date', formatInstant(window.previousMaxDate)],
        ['Data min date', formatInstant(info.dataMinDate)],
        ['Data max date', formatInstant(info.dataMaxDate)],
        ['Records', formatCount(info.records)],
        ['Target', info.target],
        ['Started', formatInstant(info.startedAt)],
        ['Duration', formatDuration(info.endedAt.getTime() - info.startedAt.getTime())],
        ['Host', info.host],
      ].map(([label, value]) => [label!, redactText(value!)]),
      tasks: [...this.tasks],
      warnings: [...this.warnings],
      checks: this.checks && {
        ...this.checks,
        rows: [...this.checks.rows],
        retried: [...this.checks.retried],
      },
      errors: [...this.errors],
      logs: [...this.logs],
    };
  }

  render(): RenderedEmail {
    const content = this.content();
    return { subject: content.subject, text: renderText(content), html: renderHtml(content) };
  }
}
