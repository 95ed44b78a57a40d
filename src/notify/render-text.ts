import { checkSummaryLine } from './format.js';
import type { EmailContent } from './run-email.js';

const TASK_COLUMNS = ['task', 'status', 'attempts', 'duration', 'records', 'error'] as const;
const CHECK_COLUMNS = [
  'check',
  'status',
  'severity',
  'table',
  'observed',
  'threshold',
  'failing rows',
  'attempt',
  'message',
] as const;

/** The plain-text body: aligned info lines, a task table, the errors and the log blocks. */
export function renderText(content: EmailContent): string {
  const lines: string[] = [content.heading, ''];
  const labelWidth = Math.max(...content.info.map(([label]) => label.length));
  for (const [label, value] of content.info) lines.push(`${label.padEnd(labelWidth)}  ${value}`);

  lines.push('', 'Tasks', '');
  if (content.tasks.length === 0) lines.push('(no task ran)');
  else {
    const rows = content.tasks.map((t) => [
      t.name,
      t.status,
      String(t.attempts),
      t.duration,
      t.records,
      t.error.replace(/\s+/g, ' '),
    ]);
    lines.push(...table(TASK_COLUMNS, rows));
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
        ...table(
          CHECK_COLUMNS,
          rows.map((c) => [
            c.name,
            c.status,
            c.severity,
            c.table,
            c.observed,
            c.threshold,
            c.failingRows,
            c.attempt,
            c.message,
          ]),
        ),
      );
    }
  }

  for (const error of content.errors) lines.push('', error.title, '', error.detail);
  for (const log of content.logs) lines.push('', log.title, '', log.text);
  return `${lines.join('\n')}\n`;
}

function table(head: readonly string[], rows: string[][]): string[] {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [
    line(head),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map((row) => line(row.map((c) => c.replace(/\s+/g, ' ')))),
  ];
}
