import { redactText } from '../logging/redact.js';

/**
 * Routes everything the CLI writes to stdout and stderr through redaction, so no printer (run summary, tables,
 * JSON, errors) can show a secret, also when cron appends the output to a file.
 */
export function redactConsole(): void {
  for (const stream of [process.stdout, process.stderr]) {
    const write = stream.write.bind(stream) as (chunk: unknown, ...rest: unknown[]) => boolean;
    stream.write = (chunk: unknown, ...rest: unknown[]) =>
      write(
        typeof chunk === 'string'
          ? redactText(chunk)
          : chunk instanceof Uint8Array
            ? redactText(Buffer.from(chunk).toString('utf8'))
            : chunk,
        ...rest,
      );
  }
}
