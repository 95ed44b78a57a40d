import type { Logger } from 'pino';
import type { DqResultRow } from '../core/check-result.js';
import type { ProjectParameters } from '../core/define-project.js';
import { errorMessage } from '../core/errors.js';
import type { RunnerResult } from '../core/runner.js';
import { redactText } from '../logging/redact.js';
import { formatLogRecord, readRunLog, tailRunLog } from '../logging/run-log.js';
import type { EmailSettings } from './email-settings.js';
import { resolveRecipients } from './recipients.js';
import { lastAttemptResults } from './last-attempt-results.js';
import { RunEmail, type RunEmailInfo } from './run-email.js';
import { sendEmail, type OutgoingEmail } from './smtp-send.js';

export interface RunNotification {
  /** null when this run was started without e-mail (`--no-email`). */
  settings: EmailSettings | null;
  parameters: ProjectParameters;
  info: RunEmailInfo;
  result: RunnerResult | null;
  /** The run's error when it failed outside a task (DDL, database), with its stack. */
  runError: { message: string; detail: string | null } | null;
  logFile: string;
  log: Logger;
  /** The data quality results stored by this run's checks. (Default: none) */
  checks?: DqResultRow[];
}

const MAX_STATUS = 500;

/**
 * Builds and sends the mail about a finished run and returns what goes into etl_runs.email_status:
 * `sent`, `skipped: <reason>` or `failed: <reason>`. It never throws: whatever happens to the mail, the run's
 * status and exit code stay what the tasks made them.
 */
export async function notifyRun(input: RunNotification): Promise<string> {
  try {
    const decision = decide(input);
    if (decision.kind === 'skip') {
      input.log.info(`e-mail skipped: ${decision.reason}`);
      return clip(`skipped: ${decision.reason}`);
    }
    const mail = buildRunEmail(input, decision.to);
    const receipt = await sendEmail(decision.smtp, mail, { log: input.log });
    const rejected = receipt.rejected.length
      ? `; rejected by the server: ${receipt.rejected.join(', ')}`
      : '';
    input.log.info(
      `e-mail sent to ${receipt.accepted.join(', ')} via ${decision.smtp.host}:${decision.smtp.port}` +
        ` (attempt ${receipt.attempts}): ${receipt.response}${rejected}`,
    );
    return clip(rejected ? `sent${rejected}` : 'sent');
  } catch (thrown) {
    const reason = redactText(errorMessage(thrown));
    input.log.error(`e-mail not sent: ${reason}`);
    return clip(`failed: ${reason}`);
  }
}

type Decision =
  { kind: 'skip'; reason: string } | { kind: 'send'; to: string[]; smtp: NonNullable<EmailSettings['smtp']> };

function decide(input: RunNotification): Decision {
  const { settings, parameters, info } = input;
  if (!settings) return { kind: 'skip', reason: 'e-mail turned off for this run (--no-email)' };
  if (!settings.switches.enabled) {
    return { kind: 'skip', reason: `e-mail is disabled for environment ${settings.environment}` };
  }
  const wanted = info.status === 'success' ? parameters.email.onSuccess : parameters.email.onFailure;
  if (!wanted) {
    const key = info.status === 'success' ? 'onSuccess' : 'onFailure';
    return { kind: 'skip', reason: `email.${key} is false for project ${parameters.name}` };
  }
  if (!settings.smtp) {
    return {
      kind: 'skip',
      reason: `no smtp section for environment ${settings.environment} in ${settings.file}`,
    };
  }
  const recipients = resolveRecipients(info.status, settings, parameters.email);
  if (recipients.kind === 'skip') return recipients;
  return { kind: 'send', to: recipients.to, smtp: settings.smtp };
}

/** The run's mail: info, one row per task, the failures with their stacks, the log tail. */
function buildRunEmail(input: RunNotification, to: string[]): OutgoingEmail {
  const { settings, parameters, result } = input;
  const switches = settings!.switches;
  const email = new RunEmail(input.info);
  for (const task of result?.tasks ?? []) email.addTaskResult(task);
  for (const check of lastAttemptResults(input.checks ?? [])) email.addCheckResult(check);
  for (const task of result?.tasks ?? []) {
    if (task.status === 'failed' && task.error) {
      email.addError(`Error in task ${task.name}`, `task '${task.name}': ${task.error}`, task.errorDetail);
    }
  }
  if (input.runError && !(result?.tasks ?? []).some((t) => t.status === 'failed')) {
    email.addError('Error', input.runError.message, input.runError.detail);
  }
  const lines = parameters.email.logTailLines ?? switches.logTailLines;
  if (lines > 0) {
    email.addLogBlock(
      `Last ${lines} log lines`,
      tailRunLog(input.logFile, lines, switches.logTailMaxBytes) || '(empty)',
    );
  }
  const rendered = email.render();
  const mail: OutgoingEmail = { to, subject: rendered.subject, text: rendered.text, html: rendered.html };
  if (parameters.email.attachLog ?? switches.attachLog) {
    mail.attachments = [
      {
        filename: `${input.info.project}_run_${input.info.runId}.log`,
        content: readableLog(input.logFile, switches.attachMaxBytes),
        contentType: 'text/plain; charset=utf-8',
      },
    ];
  }
  return mail;
}

/** The whole log as readable lines, keeping the end when it is larger than `maxBytes`. */
function readableLog(file: string, maxBytes: number): string {
  const text = redactText(readRunLog(file).split('\n').filter(Boolean).map(formatLogRecord).join('\n'));
  if (Buffer.byteLength(text) <= maxBytes) return `${text}\n`;
  return `… (first part cut: the log is larger than ${maxBytes} bytes)\n${Buffer.from(text).subarray(-maxBytes).toString('utf8')}\n`;
}

function clip(status: string): string {
  return status.length > MAX_STATUS ? `${status.slice(0, MAX_STATUS - 1)}…` : status;
}
