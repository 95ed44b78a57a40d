import { UsageError } from '../core/errors.js';

/**
 * Line breaks and other control characters: in a crontab, a shell launcher or a Python comment they end the
 * line, so a value holding one would add a line of its own (a crontab entry, a statement) to a generated file.
 */
const controlCharacters = /[\p{Cc}\u2028\u2029]/u;

/** Text for a comment line of a generated file: every run of whitespace or control characters becomes one space. */
export function commentText(text: string): string {
  return text.replace(/[\s\p{Cc}\u2028\u2029]+/gu, ' ').trim();
}

/**
 * `value` when it can be written into one line of `file`; a line break or control character in it is an error
 * naming what the value is (`what`), never something escaped into a second line.
 */
export function oneLine(value: string, what: string, file: string): string {
  if (controlCharacters.test(value)) {
    throw new UsageError(
      `${what} ${JSON.stringify(value)} holds a line break or control character and cannot be written into ${file}`,
    );
  }
  return value;
}

/**
 * `value` when Airflow's Jinja templating leaves it as it is: operator arguments such as `bash_command` are
 * rendered as templates, so `{{`, `{%` or `{#` in a path or name would be executed by Airflow.
 */
export function notTemplated(value: string, what: string): string {
  if (/\{[{%#]/.test(value)) {
    throw new UsageError(
      `${what} ${JSON.stringify(value)} holds '{{', '{%' or '{#', which Airflow would render as a Jinja template`,
    );
  }
  return value;
}
