import { DataError, DwhError, EXIT } from '../core/errors.js';

/** A load of the warehouse layer that cannot go on: bad declaration, failed check, broken invariant. */
export class WarehouseError extends DwhError {
  constructor(message: string, options?: { cause?: unknown }) {
    // a failed statement decides by its SQLSTATE (a deadlock is retried); a bad declaration is not retried
    super('WAREHOUSE', message, {
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

/** Too many facts of a load point at a dimension's unknown member −1 (`maxUnknownRatio`). */
export class UnknownMembersError extends DataError {
  constructor(
    readonly fact: string,
    readonly dimension: string,
    readonly unknown: number,
    readonly total: number,
    readonly maxUnknownRatio: number,
  ) {
    super(
      `${unknown} of ${total} row(s) of ${fact} (${Number(((100 * unknown) / total).toFixed(1))}%) have no member in ` +
        `${dimension}: more than maxUnknownRatio ${maxUnknownRatio} allows; nothing was written`,
    );
  }
}
