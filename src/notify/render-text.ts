import { textTableLines } from '../present/text-table.js';
import { checkSummaryLine, type EmailContent } from './email-content.js';

/** The plain-text body: aligned info lines, a task table, the errors and the log blocks. */
export function renderText(content: EmailContent): string {
  const lines: string[] = [content.heading, ''];
  lines.push(
    ...textTableLines(
      content.info.map(([label, value]) => ({ label, value })),
      { header: false },
    ),
  );

  lines.push('', 'Tasks', '');
  if (content.tasks.length === 0) lines.push('(no task ran)');
  else {
    lines.push(
      ...textTableLines(
        content.tasks.map((t) => ({
          task: t.name,
          status: t.status,
          attempts: String(t.attempts),
          duration: t.duration,
          records: t.records,
          error: t.error,
        })),
      ),
    );
  }

  if (content.warnings.length) {
    lines.push('', 'Warnings', '', ...content.warnings.map((w) => `[${w.task}] ${w.text}`));
  }

  if (content.checks) {
    const { rows } = content.checks;
    lines.push('', 'Data quality', '', checkSummaryLine(content.checks));
    if (rows.length) {
      lines.push(
        '',
        ...textTableLines(
          rows.map((c) => ({
            check: c.name,
            status: c.status,
            severity: c.severity,
            table: c.table,
            observed: c.observed,
            threshold: c.threshold,
            'failing rows': c.failingRows,
            attempt: c.attempt,
            message: c.message,
          })),
        ),
      );
    }
  }

  for (const error of content.errors) lines.push('', error.title, '', error.detail);
  for (const log of content.logs) lines.push('', log.title, '', log.text);
  return `${lines.join('\n')}\n`;
}
