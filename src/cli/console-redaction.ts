import { redactText } from '../logging/redact.js';

/**
 * Routes everything the CLI writes to stdout and stderr through redaction, so no printer (run summary, tables,
 * JSON, errors) can show a secret, also when cron appends the output to a file.
 */
export function redactConsole(): void {
  for (const stream of [process.stdout, process.stderr]) {
    const write = stream.write.bind(stream) as (chunk: unknown, ...rest: unknown[]) => boolean;
    unredacted.set(stream, write);
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

const unredacted = new Map<NodeJS.WriteStream, (chunk: unknown) => boolean>();

/**
 * Writes a secret the user asked for on purpose (`dwh db url` prints the connection string with its password
 * for psql or a BI tool): the one way past the redaction of the console.
 */
export function writeUnredacted(stream: NodeJS.WriteStream, text: string): void {
  (unredacted.get(stream) ?? ((chunk: unknown) => stream.write(chunk as string)))(text);
}
