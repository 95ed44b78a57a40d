import { describe, expect, it } from 'vitest';
import { formatCell, formatTable, textTableLines } from '../../src/present/text-table.js';
import { toJson } from '../../src/present/json.js';
import { oneLine, truncate } from '../../src/present/text.js';

describe('present: text tables', () => {
  const rows = [
    { task: 'extract', status: 'success', records: '12,000' },
    { task: 'publish_all', status: 'failed', records: '0' },
  ];

  it('pads columns to their widest cell, with a rule under the header', () => {
    expect(textTableLines(rows)).toEqual([
      'task         status   records',
      '-----------  -------  -------',
      'extract      success  12,000',
      'publish_all  failed   0',
    ]);
  });

  it('right-aligns the columns it is told to, header included, and indents', () => {
    expect(textTableLines(rows, { alignRight: ['records'], indent: '  ' })).toEqual([
      '  task         status   records',
      '  -----------  -------  -------',
      '  extract      success   12,000',
      '  publish_all  failed         0',
    ]);
  });

  it('picks and orders columns, and without a header is an aligned list', () => {
    expect(textTableLines(rows, { columns: ['status', 'task'], header: false })).toEqual([
      'success  extract',
      'failed   publish_all',
    ]);
  });

  it('paints a cell after padding, so colour codes do not shift the columns', () => {
    const lines = textTableLines(rows, {
      paint: (key, padded, index) => (key === 'status' && index === 1 ? `<${padded}>` : padded),
    });
    expect(lines[3]).toBe('publish_all  <failed >  0');
  });

  it('keeps a multi-line cell on one line', () => {
    expect(textTableLines([{ error: 'boom\n    at x' }])[2]).toBe('boom at x');
  });

  it('formats rows of any values: numbers right-aligned, dates as ISO instants, none as (no rows)', () => {
    expect(
      formatTable([
        { id: 1, name: 'a', at: new Date('2026-01-02T03:04:05Z') },
        { id: 100, name: null, at: null },
      ]),
    ).toBe(
      [' id  name  at', '---  ----  --------------------', '  1  a     2026-01-02T03:04:05Z', '100'].join(
        '\n',
      ),
    );
    expect(formatTable([])).toBe('(no rows)');
    expect(formatCell({ a: 1 })).toBe('{"a":1}');
    expect(formatCell(10n)).toBe('10');
  });

  it('cuts and flattens text, and writes JSON with bigints as numbers', () => {
    expect(truncate('abcdef', 4)).toBe('abc…');
    expect(truncate('abcd', 4)).toBe('abcd');
    expect(oneLine('  a\n\tb  ', 10)).toBe('a b');
    expect(oneLine('a b c d e f', 6)).toBe('a b c…');
    expect(toJson({ n: 5n })).toBe('{\n  "n": 5\n}');
  });
});
