import { DwhError, EXIT } from './errors.js';

/**
 * Input that cannot be loaded as it is: a malformed CSV record, bytes that are not valid in the file's
 * encoding, an empty file, a body over the size limit, fewer rows loaded than the source holds. Names the
 * source (file, URL) and, when known, the line. Another attempt reads the same input, so it is not retried.
 */
export class InputError extends DwhError {
  constructor(
    readonly source: string,
    readonly line: number | null,
    problem: string,
    cause?: unknown,
  ) {
    super('INPUT', `${source}${line !== null ? ` line ${line}` : ''}: ${problem}`, {
      cause,
      exitCode: EXIT.runFailed,
    });
  }
}
