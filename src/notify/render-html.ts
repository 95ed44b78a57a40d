import { html, type SafeHtml } from '../present/html.js';
import { checkSummaryLine, type EmailContent } from './email-content.js';

const STATUS_COLOURS: Record<EmailContent['status'], string> = { success: '#1a7f37', failed: '#cf222e' };
const TASK_STATUS_COLOURS: Record<string, string> = {
  success: '#1a7f37',
  failed: '#cf222e',
  upstream_failed: '#bc4c00',
  disabled: '#6e7781',
  not_run: '#6e7781',
};

const CHECK_STATUS_COLOURS: Record<string, string> = { warn: '#bc4c00', fail: '#cf222e', error: '#cf222e' };

const CELL = 'padding:4px 8px;border:1px solid #d0d7de;text-align:left;vertical-align:top';
const PRE =
  'background:#f6f8fa;padding:8px;border:1px solid #d0d7de;font-size:12px;white-space:pre-wrap;word-break:break-all';

const th = (text: string) => html`<th style="${CELL};background:#f6f8fa">${text}</th>`;
const td = (content: string | SafeHtml) => html`<td style="${CELL}">${content}</td>`;
const coloured = (colour: string, text: string) => html`<span style="color:${colour}">${text}</span>`;

/** A table with a header row; one `<tr>` a line, so the raw mail stays readable. */
function table(section: string, head: string[], rows: (string | SafeHtml)[][]): SafeHtml {
  return html`<table style="border-collapse:collapse" data-section="${section}">
    <tr>
      ${head.map(th)}
    </tr>
    ${rows.map(
      (cells) =>
        html`<tr>
          ${cells.map(td)}
        </tr> `,
    )}
  </table>`;
}

function tasks(content: EmailContent): SafeHtml {
  if (content.tasks.length === 0) return html`<p>(no task ran)</p>`;
  return table(
    'tasks',
    ['Task', 'Status', 'Attempts', 'Duration', 'Records', 'Error'],
    content.tasks.map((t) => [
      t.name,
      coloured(TASK_STATUS_COLOURS[t.status] ?? '#1f2328', t.status),
      String(t.attempts),
      t.duration,
      t.records,
      t.error,
    ]),
  );
}

function warnings(content: EmailContent): SafeHtml {
  if (!content.warnings.length) return html``;
  return html`<h3>Warnings</h3>
    <ul data-section="warnings">
      ${content.warnings.map((w) => html`<li><b>${w.task}</b>: ${w.text}</li> `)}
    </ul> `;
}

function checks(content: EmailContent): SafeHtml {
  if (!content.checks) return html``;
  const { rows } = content.checks;
  const failed = rows.length
    ? html` ${table(
        'checks',
        [
          'Check',
          'Status',
          'Severity',
          'Table',
          'Observed',
          'Threshold',
          'Failing rows',
          'Attempt',
          'Message',
        ],
        rows.map((c) => [
          c.name,
          coloured(CHECK_STATUS_COLOURS[c.status] ?? '#1f2328', c.status),
          c.severity,
          c.table,
          c.observed,
          c.threshold,
          c.failingRows,
          c.attempt,
          c.message,
        ]),
      )}`
    : html``;
  return html`<h3>Data quality</h3>
    <p>${checkSummaryLine(content.checks)}</p>
    ${failed} `;
}

/** A titled block of preformatted text: an error with its stack, or a log tail. */
const block = (title: string, text: string) =>
  html`<h3>${title}</h3>
    <pre style="${PRE}">${text}</pre> `;

/** The HTML body, with inline styles only (mail clients drop style sheets). Every text is escaped. */
export function renderHtml(content: EmailContent): string {
  return html`<!doctype html>
    <html>
      <head>
        <meta charset="utf-8" />
        <title>${content.subject}</title>
      </head>
      <body style="font-family:Arial,Helvetica,sans-serif;font-size:14px;color:#1f2328">
        <h2 style="color:${STATUS_COLOURS[content.status]}">${content.heading}</h2>
        <table style="border-collapse:collapse" data-section="info">
          ${content.info.map(
            ([label, value]) =>
              html`<tr>
                ${th(label)}${td(value)}
              </tr> `,
          )}
        </table>
        <h3>Tasks</h3>
        ${tasks(content)}
        ${warnings(content)}${checks(content)}${content.errors.map((e) => block(e.title, e.detail))}${content.logs.map((l) => block(l.title, l.text))}
      </body>
    </html>`.value;
}
