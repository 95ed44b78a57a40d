import type { EmailContent } from './run-email.js';

const TASK_COLUMNS = ['task', 'status', 'attempts', 'duration', 'records', 'error'] as const;

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
    const widths = TASK_COLUMNS.map((head, i) => Math.max(head.length, ...rows.map((row) => row[i]!.length)));
    const line = (cells: readonly string[]) =>
      cells
        .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i]!)))
        .join('  ')
        .trimEnd();
    lines.push(line(TASK_COLUMNS), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line));
  }

  for (const error of content.errors) lines.push('', error.title, '', error.detail);
  for (const log of content.logs) lines.push('', log.title, '', log.text);
  return `${lines.join('\n')}\n`;
}
