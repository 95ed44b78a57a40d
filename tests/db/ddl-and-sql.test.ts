import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { quoteIdent } from '../../src/db/quote.js';
import { bindNamedParams } from '../../src/db/named-params.js';
import { auditOf, runFixture } from '../helpers/run-fixture.js';
import { createTestDatabase, targetKinds, type TestDatabase } from '../helpers/test-databases.js';

describe('db: identifier quoting', () => {
  it('quotes every part and doubles embedded quotes', () => {
    expect(quoteIdent('etl_runs')).toBe('"etl_runs"');
    expect(quoteIdent('dwh', 'etl_runs')).toBe('"dwh"."etl_runs"');
    expect(quoteIdent('we"ird name')).toBe('"we""ird name"');
  });

  it('rejects empty names', () => {
    expect(() => quoteIdent('')).toThrow(/invalid SQL identifier: ""/);
    expect(() => quoteIdent()).toThrow(/at least one name/);
  });
});

describe('db: named parameters', () => {
  it('binds :name parameters, skipping casts, strings, comments and dollar quotes', () => {
    const { text, values } = bindNamedParams(
      `select :a::int, ':b', "x:y", $$ :c $$ -- :d\n, /* :e */ :a, :f`,
      { a: 1, f: 'two' },
    );
    expect(text).toBe(`select $1::int, ':b', "x:y", $$ :c $$ -- :d\n, /* :e */ $1, $2`);
    expect(values).toEqual([1, 'two']);
  });

  it('names a missing parameter and the source', () => {
    expect(() => bindNamedParams('select :missing', { other: 1 }, 'q.sql line 3')).toThrow(
      'q.sql line 3: parameter :missing has no value (given: other)',
    );
  });
});

describe.each(targetKinds)('db: alter_tables.sql and identifiers on a real database (%s)', (kind) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase(kind, 'ddl-history');
  });
  afterAll(async () => {
    await db.drop();
  });

  it('applies each statement once and records it, across runs', async () => {
    const first = await runFixture(db, 'ddl', { endDate: new Date('2026-02-01T00:00:00Z') });
    expect(first.status).toBe('success');
    expect((await auditOf(db, first.runId!)).run.number_of_records).toBe(2);
    const second = await runFixture(db, 'ddl', { endDate: new Date('2026-03-01T00:00:00Z') });
    expect(second.status, second.error ?? '').toBe('success');

    const warehouse = await db.open();
    try {
      const applied = await warehouse.query<{ statement: string; run_id: number }>(
        `select statement, run_id from dwh.applied_ddl where project_name = 'ddl' order by applied_at`,
      );
      expect(applied.map((a) => a.statement.split('\n')[0])).toEqual([
        'CREATE TABLE ddl_events (id integer PRIMARY KEY, note text)',
        "INSERT INTO ddl_events VALUES (1, 'semi;colon'), (2, $$dollar ; quoted$$)",
        '-- a comment with a ; inside',
      ]);
      expect(applied.every((a) => a.run_id === first.runId)).toBe(true);
      const notes = await warehouse.query<{ note: string }>('select note from ddl_events order by id');
      expect(notes.map((n) => n.note)).toEqual(['semi;colon', 'dollar ; quoted']);
    } finally {
      await warehouse.close();
    }
  });

  it('executes SQL built with quoteIdent for awkward names', async () => {
    const warehouse = await db.open();
    try {
      const table = quoteIdent('public', 'Order "Lines" 2026');
      await warehouse.query(`create table ${table} (${quoteIdent('Amount €')} numeric)`);
      await warehouse.query(`insert into ${table} values ($1)`, ['12.50']);
      const rows = await warehouse.query(`select ${quoteIdent('Amount €')} as amount from ${table}`);
      expect(rows).toEqual([{ amount: '12.50' }]);
    } finally {
      await warehouse.close();
    }
  });
});
