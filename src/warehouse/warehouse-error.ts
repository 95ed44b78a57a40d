import { DwhError, EXIT } from '../core/errors.js';

/** A load of the warehouse layer that cannot go on: bad declaration, failed check, broken invariant. */
export class WarehouseError extends DwhError {
  constructor(message: string, options?: { cause?: unknown }) {
    // a failed statement decides by its SQLSTATE (a deadlock is retried); a bad declaration is not retried
    super('USAGE', message, {
      ...options,
      exitCode: EXIT.runFailed,
      retryable: options?.cause === undefined ? false : undefined,
    });
  }
}

/** Staging checks failed; `keys` lists up to 20 offending natural keys. */
export class StagingCheckError extends WarehouseError {
  constructor(
    readonly table: string,
    readonly check: 'null_keys' | 'duplicate_keys' | 'row_count',
    readonly keys: unknown[],
    message: string,
  ) {
    super(message);
  }
}
