import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { copyErrorLine } from './copy-sql.js';
import { CopyLineError, type CopySession } from './copy-session.js';

const READ_AHEAD = 2 * 1024 * 1024;

/** COPY FROM STDIN on a server connection; pipeline() carries backpressure from the socket to the source. */
export function serverCopySession(client: pg.Client): CopySession {
  return {
    from: 'stdin',
    async exec(text, values = []) {
      const result = await client.query(text, [...values]);
      return result.rowCount ?? 0;
    },
    async copyText(statement, chunks, onBytes) {
      const { from: copyFrom } = await import('pg-copy-streams');
      const copy = client.query(copyFrom(statement));
      try {
        // a deep read-ahead lets the next batch be parsed and encoded while the server digests this one
        await pipeline(
          Readable.from(chunks, { objectMode: false, highWaterMark: READ_AHEAD }),
          counter(onBytes),
          copy,
        );
      } catch (error) {
        throw new CopyLineError(copyErrorLine(error), error);
      }
      return copy.rowCount;
    },
    async copyBytes(statement, stream, piece, onBytes) {
      const { from: copyFrom } = await import('pg-copy-streams');
      const copy = client.query(copyFrom(statement(piece.header)));
      try {
        await pipeline(stream, counter(onBytes), copy);
      } catch (error) {
        throw new CopyLineError(copyErrorLine(error), error);
      }
      return copy.rowCount;
    },
  };
}

function counter(onBytes: (n: number) => void): Transform {
  return new Transform({
    transform(chunk: Buffer | string, _encoding, callback) {
      onBytes(chunk.length);
      callback(null, chunk);
    },
  });
}
