import { checkSummaryLine, escapeHtml } from './format.js';
import type { EmailContent } from './run-email.js';

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

/** The HTML body, with inline styles only (mail clients drop style sheets). Every text is escaped. */
export function renderHtml(content: EmailContent): string {
  const e = escapeHtml;
  const parts: string[] = [
    '<!doctype html>',
    `<html><head><meta charset="utf-8"><title>${e(content.subject)}</title></head>`,
    '<body style="font-family:Arial,Helvetica,sans-serif;font-size:14px;color:#1f2328">',
    `<h2 style="color:${STATUS_COLOURS[content.status]}">${e(content.heading)}</h2>`,
    '<table style="border-collapse:collapse" data-section="info">',
    ...content.info.map(
      ([label, value]) =>
        `<tr><th style="${CELL};background:#f6f8fa">${e(label)}</th><td style="${CELL}">${e(value)}</td></tr>`,
    ),
    '</table>',
    '<h3>Tasks</h3>',
  ];
  if (content.tasks.length === 0) parts.push('<p>(no task ran)</p>');
  else {
    const head = ['Task', 'Status', 'Attempts', 'Duration', 'Records', 'Error'];
    parts.push(
      '<table style="border-collapse:collapse" data-section="tasks">',
      `<tr>${head.map((h) => `<th style="${CELL};background:#f6f8fa">${h}</th>`).join('')}</tr>`,
      ...content.tasks.map((t) => {
        const colour = TASK_STATUS_COLOURS[t.status] ?? '#1f2328';
        const cells = [
          e(t.name),
          `<span style="color:${colour}">${e(t.status)}</span>`,
          e(String(t.attempts)),
          e(t.duration),
          e(t.records),
          e(t.error),
        ];
        return `<tr>${cells.map((c) => `<td style="${CELL}">${c}</td>`).join('')}</tr>`;
      }),
      '</table>',
    );
  }
  if (content.warnings.length) {
    parts.push(
      '<h3>Warnings</h3>',
      '<ul data-section="warnings">',
      ...content.warnings.map((w) => `<li><b>${e(w.task)}</b>: ${e(w.text)}</li>`),
      '</ul>',
    );
  }
  if (content.checks) {
    const { rows } = content.checks;
    parts.push('<h3>Data quality</h3>', `<p>${e(checkSummaryLine(content.checks))}</p>`);
    if (rows.length) {
      const head = [
        'Check',
        'Status',
        'Severity',
        'Table',
        'Observed',
        'Threshold',
        'Failing rows',
        'Attempt',
        'Message',
      ];
      parts.push(
        '<table style="border-collapse:collapse" data-section="checks">',
        `<tr>${head.map((h) => `<th style="${CELL};background:#f6f8fa">${h}</th>`).join('')}</tr>`,
        ...rows.map((c) => {
          const colour = CHECK_STATUS_COLOURS[c.status] ?? '#1f2328';
          const cells = [
            e(c.name),
            `<span style="color:${colour}">${e(c.status)}</span>`,
            e(c.severity),
            e(c.table),
            e(c.observed),
            e(c.threshold),
            e(c.failingRows),
            e(c.attempt),
            e(c.message),
          ];
          return `<tr>${cells.map((cell) => `<td style="${CELL}">${cell}</td>`).join('')}</tr>`;
        }),
        '</table>',
      );
    }
  }
  for (const error of content.errors) {
    parts.push(`<h3>${e(error.title)}</h3>`, `<pre style="${PRE}">${e(error.detail)}</pre>`);
  }
  for (const log of content.logs) {
    parts.push(`<h3>${e(log.title)}</h3>`, `<pre style="${PRE}">${e(log.text)}</pre>`);
  }
  parts.push('</body></html>');
  return parts.join('\n');
}
