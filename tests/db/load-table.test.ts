import { mkdtempSync, writeFileSync, createReadStream } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Warehouse } from '../../src/db/connection.js';
import { loadTable, LoadError } from '../../src/db/load-table.js';
import type { ByteSource, RowBatch } from '../../src/core/load-source.js';
import { failure } from '../helpers/failure.js';
import { loadContext } from '../helpers/load-context.js';
import { createTestDatabase, smokeKinds, type TestDatabase } from '../helpers/test-databases.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'dwh-load-'));
function csvFile(name: string, text: string): ByteSource {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return {
    kind: 'bytes',
    format: 'csv',
    header: true,
    columns: null,
    parts: [{ name, open: () => createReadStream(file) }],
  };
}

describe.each(smokeKinds)('loadTable: COPY modes and errors (%s)', (kind) => {
  let db: TestDatabase;
  let warehouse: Warehouse;
  const rows = async () =>
    await warehouse.query<{ id: number; name: string | null; amount: string | null; at: Date | null }>(
      'select id, name, amount, at from orders order by id',
    );

  beforeAll(async () => {
    db = await createTestDatabase(kind, 'load-table');
    warehouse = await db.open();
  });
  afterAll(async () => {
    await warehouse.close();
    await db.drop();
  });
  beforeEach(async () => {
    await warehouse.query('drop table if exists orders');
    await warehouse.query(
      'create table orders (id int primary key, name text, amount numeric(10,2), at timestamptz)',
    );
    await warehouse.query(
      `insert into orders values (1, 'old', 1, '2025-12-31T12:00:00Z'), (2, 'in window', 2, '2026-01-01T10:00:00Z')`,
    );
  });

  const batch = (values: unknown[][]): RowBatch => ({
    columns: ['id', 'name', 'amount', 'at'],
    rows: values,
  });

  it('appends rows, encoding nulls, dates and text with tabs, newlines and backslashes', async () => {
    const result = await loadTable(loadContext(warehouse), { table: 'orders' }, [
      batch([
        [3, 'tab\there\nnew line \\ back', '3.50', new Date('2026-01-01T05:00:00Z')],
        [4, null, null, null],
        [9, 'Zoë\tß\\ ü\n€', '-0.5', '2026-01-01 06:00:00'],
      ]),
    ]);
    expect(result).toMatchObject({ records: 3, path: 'rows' });
    const all = await rows();
    expect(all.map((r) => r.id)).toEqual([1, 2, 3, 4, 9]);
    expect(all[4]).toMatchObject({ name: 'Zoë\tß\\ ü\n€', amount: '-0.50' });
    expect(all[2]).toMatchObject({ name: 'tab\there\nnew line \\ back', amount: '3.50' });
    expect(all[2]!.at!.toISOString()).toBe('2026-01-01T05:00:00.000Z');
    expect(all[3]).toMatchObject({ name: null, amount: null, at: null });
  });

  it('accepts plain objects and loads only the listed columns', async () => {
    await loadTable(loadContext(warehouse), { table: 'orders', columns: ['id', 'name'] }, [
      { id: 5, name: 'object', ignored: 'x' },
    ]);
    expect((await rows()).find((r) => r.id === 5)).toMatchObject({ name: 'object', amount: null });
  });

  it('truncate replaces the whole table', async () => {
    await loadTable(loadContext(warehouse), { table: 'orders', mode: 'truncate' }, [
      batch([[7, 'new', 7, null]]),
    ]);
    expect((await rows()).map((r) => r.id)).toEqual([7]);
  });

  it('delete-window replaces only the rows of the window', async () => {
    await loadTable(loadContext(warehouse), { table: 'orders', mode: 'delete-window', windowColumn: 'at' }, [
      batch([[8, 'reloaded', 8, '2026-01-01T11:00:00Z']]),
    ]);
    expect((await rows()).map((r) => r.id)).toEqual([1, 8]);
  });

  it('delete-window without windowColumn is an error that names the table', async () => {
    await expect(
      loadTable(loadContext(warehouse), { table: 'orders', mode: 'delete-window' }, []),
    ).rejects.toThrow(/public\.orders.*windowColumn/);
  });

  it('a failing load leaves the target as it was, also after truncate', async () => {
    const failing = loadTable(loadContext(warehouse), { table: 'orders', mode: 'truncate' }, [
      {
        columns: ['id', 'name', 'amount', 'at'],
        rows: [
          [10, 'ok', 1, null],
          [11, 'bad', 'not a number', null],
        ],
        source: 'orders.json',
        lines: [4, 5],
      },
    ]);
    const error = await failure(failing);
    expect(error).toBeInstanceOf(LoadError);
    expect(error.message).toMatch(/orders\.json line 5 \(row 2\).*numeric/);
    expect((await rows()).map((r) => r.id)).toEqual([1, 2]);
  });

  it('pass-through: a CSV file goes to COPY as bytes, columns matched by header name', async () => {
    const result = await loadTable(
      loadContext(warehouse),
      { table: 'orders', mode: 'truncate' },
      csvFile('swapped.csv', 'name,id,amount\n"quoted, with comma",20,1.25\n"multi\nline ""q""",21,\n'),
    );
    expect(result).toMatchObject({ records: 2, path: 'pass-through' });
    const all = await rows();
    expect(all.map((r) => [r.id, r.name, r.amount])).toEqual([
      [20, 'quoted, with comma', '1.25'],
      [21, 'multi\nline "q"', null],
    ]);
  });

  it('pass-through: an unclosed quote is an error naming the file, and nothing is loaded', async () => {
    const error = await failure(
      loadTable(
        loadContext(warehouse),
        { table: 'orders', mode: 'truncate' },
        csvFile('unclosed.csv', 'id,name\n30,ok\n31,"never closed\n32,x\n'),
      ),
    );
    expect(error).toBeInstanceOf(LoadError);
    expect(error.message).toMatch(/unclosed\.csv/);
    expect(error.message).toMatch(/quoted/i);
    expect((await rows()).map((r) => r.id)).toEqual([1, 2]);
  });

  it('pass-through: a row with too many columns is an error with file and line', async () => {
    const error = await failure(
      loadTable(
        loadContext(warehouse),
        { table: 'orders' },
        csvFile('extra.csv', 'id,name\n40,a\n41,b\n42,c,extra\n'),
      ),
    );
    expect(error.message).toMatch(/extra\.csv line 4/);
    expect(error.message).toMatch(/extra data/);
  });

  it('pass-through: a line that is just \\. is data, not the end of the data: no row after it is lost', async () => {
    await warehouse.query('drop table if exists names');
    await warehouse.query('create table names (name text)');
    const result = await loadTable(
      loadContext(warehouse),
      { table: 'names', mode: 'truncate' },
      csvFile('marker.csv', 'name\na\n\\.\nb\n\\.'),
    );
    expect(result.records).toBe(4);
    const names = await warehouse.query<{ name: string }>('select name from names order by name');
    expect(names.map((r) => r.name)).toEqual(['\\.', '\\.', 'a', 'b']);
  });

  it('pass-through: a \\. line in a file of two columns fails naming the file and line, target kept', async () => {
    const error = await failure(
      loadTable(
        loadContext(warehouse),
        { table: 'orders', mode: 'truncate' },
        csvFile('marker2.csv', 'id,name\n1,a\n\\.\n2,b\n'),
      ),
    );
    expect(error).toBeInstanceOf(LoadError);
    expect(error.message).toMatch(/marker2\.csv line 3/);
    expect((await rows()).map((r) => r.id)).toEqual([1, 2]);
  });

  it('pass-through: a malformed record is reported at the physical line where it starts', async () => {
    const head = 'id,name\n50,"two\nlines"\n51,"three\nlines\nhere"\n52,x\n';
    const unclosed = await failure(
      loadTable(
        loadContext(warehouse),
        { table: 'orders' },
        csvFile('open.csv', `${head}53,"opens here\n54,y\n55,z\n`),
      ),
    );
    expect(unclosed.message).toMatch(/open\.csv line 8\b/);
    expect(unclosed).toMatchObject({ line: 8 });
    const badValue = await failure(
      loadTable(
        loadContext(warehouse),
        { table: 'orders' },
        csvFile('value.csv', `${head}x53,"bad id\non two lines"\n54,y\n`),
      ),
    );
    expect(badValue.message).toMatch(/value\.csv line 8\b/);
  });

  it('pass-through: large CSVs are loaded in several COPY pieces with correct error lines', async () => {
    const lines = ['id,name,amount'];
    for (let i = 100; i < 60_100; i++)
      lines.push(`${i},"name ${i}, with ""quotes"" and a long tail ${'x'.repeat(120)}",${i}.5`);
    lines.push('bad,row,here');
    const error = await failure(
      loadTable(loadContext(warehouse), { table: 'orders' }, csvFile('big.csv', lines.join('\n') + '\n')),
    );
    expect(error.message).toMatch(/big\.csv line 60002/);
    lines.pop();
    const result = await loadTable(
      loadContext(warehouse),
      { table: 'orders', mode: 'truncate' },
      csvFile('big.csv', lines.join('\n') + '\n'),
    );
    expect(result.records).toBe(60_000);
    const [count] = await warehouse.query<{ n: number }>('select count(*)::int as n from orders');
    expect(count!.n).toBe(60_000);
  });
});
