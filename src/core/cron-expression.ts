import { CronExpressionParser } from 'cron-parser';

/** The macros both crontab and Airflow understand. */
const macros = new Set(['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly']);

/**
 * Why `expression` is not a usable schedule, or null when it is. A schedule must work in a crontab and in
 * Airflow alike: five fields (minute hour day-of-month month day-of-week) or one of the @ macros.
 */
export function cronExpressionProblem(expression: string): string | null {
  const text = expression.trim();
  if (text === '') return 'is empty; use five cron fields like "0 6 * * *" or a macro like @daily';
  if (text.startsWith('@')) {
    return macros.has(text) ? null : `unknown macro; use one of ${[...macros].join(', ')}`;
  }
  const fields = text.split(/\s+/).length;
  if (fields !== 5) {
    return `has ${fields} field(s); use five: minute hour day-of-month month day-of-week (e.g. "0 6 * * *")`;
  }
  try {
    CronExpressionParser.parse(text, { tz: 'UTC' });
    return null;
  } catch (error) {
    return `is not a valid cron expression: ${(error as Error).message}`;
  }
}

/** The next `count` times the schedule fires after `from`, in the given IANA time zone. (Default: UTC) */
export function nextRunTimes(expression: string, from: Date, count: number, timeZone = 'UTC'): Date[] {
  const parsed = CronExpressionParser.parse(expression.trim(), { currentDate: from, tz: timeZone });
  return Array.from({ length: count }, () => parsed.next().toDate());
}
