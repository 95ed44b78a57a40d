import { DwhError, EXIT } from '../core/errors.js';

/** A row the mapping cannot transform: names the row, the source line, the column and the value. */
export class TransformError extends DwhError {
  constructor(
    readonly mapping: string,
    readonly row: number,
    readonly source: string | null,
    readonly line: number | null,
    readonly column: string,
    readonly value: unknown,
    readonly reason: string,
  ) {
    super(
      'TRANSFORM',
      `mapping '${mapping}': ${describeWhere(source, line, row)}: column ${column}: ${reason}`,
      { exitCode: EXIT.runFailed, retryable: false },
    );
  }
}

function describeWhere(source: string | null, line: number | null, row: number): string {
  if (source && line !== null) return `${source} line ${line} (row ${row})`;
  if (source) return `${source} row ${row}`;
  return `row ${row}`;
}
