import type { Readable } from 'node:stream';
import { DwhError, EXIT } from '../core/errors.js';

/**
 * One transaction on the target in which a load runs its statements and COPYs. Implemented by a pg client
 * with COPY FROM STDIN (server) and by PGlite with chunked COPY FROM '/dev/blob'.
 */
export interface CopySession {
  /** Where COPY reads from: STDIN on a server, '/dev/blob' on PGlite. */
  readonly from: 'stdin' | 'blob';
  exec(text: string, values?: readonly unknown[]): Promise<number>;
  /** COPY of text-format lines (rows encoded by dwh); returns the rows COPY counted. */
  copyText(
    statement: string,
    chunks: AsyncIterable<Uint8Array>,
    onBytes: (n: number) => void,
  ): Promise<number>;
  /**
   * COPY of one byte stream as it is. `statement(header)` builds the COPY for a piece that does (first piece)
   * or does not start with the header line. Errors carry `line` counted from the start of the stream.
   */
  copyBytes(
    statement: (header: boolean) => string,
    stream: Readable,
    piece: { format: 'csv' | 'text'; header: boolean },
    onBytes: (n: number) => void,
  ): Promise<number>;
}

/**
 * An error inside a COPY with the line it happened on (1-based, counted from the start of the stream). The
 * load turns it into a LoadError naming the table and the source line; the cause decides a retry.
 */
export class CopyLineError extends DwhError {
  constructor(
    readonly line: number | null,
    cause: unknown,
  ) {
    super('LOAD', (cause as Error).message, { cause, exitCode: EXIT.runFailed, retryable: undefined });
  }
}
