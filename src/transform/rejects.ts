import type { OutputWriter } from '../core/output.js';
import type { RejectedRow } from './transform-rows.js';

/** Writes rejected rows with their reasons to `metadata/<project>/output/<ts>_rejects.csv`; returns the path. */
export async function writeRejects(
  output: OutputWriter,
  rejects: readonly RejectedRow[],
): Promise<string | null> {
  if (rejects.length === 0) return null;
  return output.writeCsv(
    rejects.map((r) => ({
      row: r.row,
      source: r.source ?? '',
      line: r.line ?? '',
      column: r.column,
      value:
        r.value === undefined || r.value === null
          ? ''
          : typeof r.value === 'string'
            ? r.value
            : JSON.stringify(r.value),
      reason: r.reason,
      record: JSON.stringify(r.record),
    })),
    'rejects',
    { columns: ['row', 'source', 'line', 'column', 'value', 'reason', 'record'] },
  );
}
