import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { failure } from '../helpers/failure.js';
import { ConfigError } from '../../src/core/errors.js';
import type { RowBatch } from '../../src/core/load-source.js';
import { defineMapping, loadMapping, type MappingInput } from '../../src/transform/mapping.js';
import { TransformError } from '../../src/transform/transform-error.js';
import { transformRows, type MappingFunctions } from '../../src/transform/transform-rows.js';

const columns = ['id', 'name', 'amount', 'ordered_at', 'paid', 'meta'];
const batch = (rows: unknown[][], lines?: number[]): RowBatch => ({
  columns,
  rows,
  source: 'orders.csv',
  ...(lines ? { lines } : {}),
});

async function run(input: MappingInput, batches: RowBatch[], functions?: MappingFunctions) {
  const transformed = transformRows(batches, defineMapping('orders', input), functions);
  const out: unknown[][] = [];
  let outColumns: readonly string[] = [];
  for await (const b of transformed) {
    out.push(...b.rows);
    outColumns = b.columns;
  }
  return { rows: out, columns: outColumns, stats: transformed.stats, rejects: transformed.rejects };
}

describe('transform: mapping.yaml-driven rows', () => {
  it('renames, casts, trims and applies defaults in the order of the mapping', async () => {
    const { rows, columns: out } = await run(
      {
        columns: {
          order_id: { from: 'id', type: 'int' },
          customer: { from: 'name', trim: true },
          amount: { type: 'numeric', default: 0 },
          ordered_at: 'timestamp',
          paid: 'boolean',
          meta: 'json',
        },
      },
      [batch([['7', '  Ann  ', '', '2026-01-02 10:00:00', 'yes', '{"a":1}']])],
    );
    expect(out).toEqual(['order_id', 'customer', 'amount', 'ordered_at', 'paid', 'meta']);
    expect(rows).toEqual([['7', 'Ann', 0, '2026-01-02 10:00:00', true, '{"a":1}']]);
  });

  it('derives columns from a template and from a function passed by the project', async () => {
    const { rows } = await run(
      {
        columns: {
          id: 'int',
          label: { template: '{id}-{name}' },
          doubled: { fn: 'double', type: 'numeric' },
        },
      },
      [batch([['1', 'Ann', '2.5', null, null, null]])],
      { double: (r: Record<string, unknown>) => Number(r.amount) * 2 },
    );
    expect(rows).toEqual([['1', '1-Ann', 5]]);
  });

  it('keeps rows that pass every filter and counts the others', async () => {
    const { rows, stats } = await run(
      {
        columns: { id: 'int', amount: 'numeric' },
        filter: [
          { column: 'amount', op: '>', value: 10 },
          { column: 'id', op: 'not in', value: [3] },
        ],
      },
      [
        batch([
          ['1', 'a', '5', 0, 0, 0],
          ['2', 'b', '15', 0, 0, 0],
          ['3', 'c', '20', 0, 0, 0],
        ]),
      ],
    );
    expect(rows).toEqual([['2', '15']]);
    expect(stats).toMatchObject({ read: 3, records: 1, filtered: 2, rejected: 0 });
  });

  it('tracks the min and max of the date column over all batches', async () => {
    const { stats } = await run(
      { columns: { id: 'int', ordered_at: 'timestamp' }, dateColumn: 'ordered_at' },
      [
        batch([
          ['1', 0, 0, '2026-01-05T10:00:00Z', 0, 0],
          ['2', 0, 0, '2026-01-03 08:30', 0, 0],
        ]),
        batch([
          ['3', 0, 0, '2026-01-09', 0, 0],
          ['4', 0, 0, null, 0, 0],
        ]),
      ],
    );
    expect(stats.dataMinDate?.toISOString()).toBe('2026-01-03T08:30:00.000Z');
    expect(stats.dataMaxDate?.toISOString()).toBe('2026-01-09T00:00:00.000Z');
  });

  it('onError fail: stops with the file, line, row number, column and value', async () => {
    const error = await failure(
      run({ columns: { id: 'int', amount: 'numeric' } }, [
        batch([['1', 'a', '1.5', 0, 0, 0]], [2]),
        batch(
          [
            ['2', 'b', '2.5', 0, 0, 0],
            ['3', 'c', '12,50', 0, 0, 0],
          ],
          [3, 5],
        ),
      ]),
    );
    expect(error).toBeInstanceOf(TransformError);
    expect(error.message).toBe(
      `mapping 'orders': orders.csv line 5 (row 3): column amount: cannot cast "12,50" to numeric`,
    );
    expect(error).toMatchObject({ row: 3, line: 5, column: 'amount', value: '12,50' });
  });

  it.each([
    ['int', '1.5'],
    ['int', '99999999999999999999'],
    ['date', '2026-02-30'],
    ['timestamp', '2026-01-01 25:00'],
    ['boolean', 'maybe'],
    ['json', '{oops'],
  ] as const)('rejects a bad %s value %j', async (type, value) => {
    const error = await failure(run({ columns: { amount: type } }, [batch([[0, 0, value, 0, 0, 0]])]));
    expect(error.message).toContain(`cannot cast ${JSON.stringify(value)} to ${type}`);
  });

  it('onError reject: sets bad rows aside with reasons and goes on', async () => {
    const { rows, stats, rejects } = await run(
      { columns: { id: 'int', amount: 'numeric' }, onError: 'reject' },
      [
        batch(
          [
            ['1', 'a', 'x', 0, 0, 0],
            ['2', 'b', '3', 0, 0, 0],
            ['z', 'c', '4', 0, 0, 0],
          ],
          [2, 3, 4],
        ),
      ],
    );
    expect(rows).toEqual([['2', '3']]);
    expect(stats).toMatchObject({ read: 3, records: 1, rejected: 2 });
    expect(rejects.map((r) => [r.row, r.line, r.column, r.value])).toEqual([
      [1, 2, 'amount', 'x'],
      [3, 4, 'id', 'z'],
    ]);
    expect(rejects[0]!.record).toMatchObject({ id: '1', amount: 'x' });
  });

  it('a mapping that reads a column the source lacks is a config error naming both', async () => {
    const error = await failure(
      run({ columns: { total: { from: 'grand_total', type: 'numeric' } } }, [batch([[1, 2, 3, 4, 5, 6]])]),
    );
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toMatch(/columns\.total.*grand_total.*source columns: id, name/);
  });

  it('a function the project did not pass is a config error', async () => {
    const error = await failure(run({ columns: { x: { fn: 'missing' } } }, [batch([[1, 2, 3, 4, 5, 6]])]));
    expect(error.message).toMatch(/no function 'missing'/);
  });
});

describe('transform: metadata/mapping.yaml', () => {
  const project = mkdtempSync(path.join(os.tmpdir(), 'dwh-mapping-'));
  mkdirSync(path.join(project, 'metadata'));
  const write = (text: string) => writeFileSync(path.join(project, 'metadata', 'mapping.yaml'), text);

  it('reads a mapping by name', () => {
    write('orders:\n  columns:\n    id: int\n    amount: { from: total, type: numeric }\n  dateColumn: id\n');
    const mapping = loadMapping(project, 'orders');
    expect(mapping).toMatchObject({ name: 'orders', onError: 'fail', trim: false, dateColumn: 'id' });
  });

  it('names the file, the key and the bad value', () => {
    write('orders:\n  columns:\n    amount: { from: total, type: money }\n');
    expect(() => loadMapping(project, 'orders')).toThrow(
      /metadata\/mapping\.yaml: orders\.columns\.amount.*"money"|metadata\/mapping\.yaml: orders\.columns\.amount/,
    );
  });

  it('an unknown mapping lists the known ones', () => {
    write('orders:\n  columns: { id: int }\ncustomers:\n  columns: { id: int }\n');
    expect(() => loadMapping(project, 'products')).toThrow(/no such mapping; mappings: orders, customers/);
  });

  it('a dateColumn that is not mapped is an error', () => {
    expect(() => defineMapping('x', { columns: { id: 'int' }, dateColumn: 'day' })).toThrow(
      /dateColumn.*not one of the mapped columns/,
    );
  });
});
