import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Warehouse } from '../../src/db/connection.js';
import { aggregationSql } from '../../src/warehouse/aggregation-sql.js';
import { mergeDimensionSql, type DimensionSpec } from '../../src/warehouse/scd-dimension-sql.js';
import { scdDimension } from '../../src/warehouse/scd-dimension.js';
import { createTestDatabase, targetKinds, type TestDatabase } from '../helpers/test-databases.js';
import { day } from './warehouse-helpers.js';

const odd: DimensionSpec = {
  table: 'dim "odd"; drop table x; --',
  source: 'stg odd',
  surrogateKey: 'key',
  naturalKey: ['Id'],
  scd2: ['seg"ment'],
  scd1: [],
  effectiveFrom: null,
  firstVersionFrom: null,
  deletes: 'close',
};

describe('warehouse: SQL builders', () => {
  it('quote every identifier and pass every value as a parameter', () => {
    const end = day('2026-01-02');
    const sql = mergeDimensionSql(odd, end, 42);
    expect(sql.scd1).toBeNull();
    expect(sql.scd2!.text).toContain('UPDATE "dim ""odd""; drop table x; --" d');
    expect(sql.scd2!.text).toContain('FROM "stg odd" x');
    expect(sql.scd2!.text).toContain('md5(ROW(x."seg""ment")::text)::uuid');
    expect(sql.scd2!.values).toEqual([end, 42]);
    expect(sql.deletes!.text).toContain('d."key" <> -1');
    expect(sql.insert.values).toEqual([end, 42]);
    const aggregation = aggregationSql(
      {
        kind: 'buckets',
        period: 'month',
        column: 'amount',
        bounds: [10, 50],
        target: { schema: 'mart', table: 'by size' },
        source: { table: 'fact' },
        timeColumn: 'ts',
        measures: { n: { fn: 'count' } },
      },
      day('2026-01-15'),
      day('2026-01-16'),
    );
    expect(aggregation.delete).toEqual({
      text: 'DELETE FROM "mart"."by size" WHERE period >= $1::date AND period < $2::date',
      values: [day('2026-01-01'), day('2026-02-01')],
    });
    expect(aggregation.insert.values).toEqual([
      day('2026-01-01'),
      day('2026-02-01'),
      ['< 10', '[10, 50)', '>= 50'],
      [10, 50],
    ]);
  });
});

describe.each(targetKinds)('warehouse: awkward names (%s)', (kind) => {
  let db: TestDatabase;
  let w: Warehouse;
  beforeEach(async () => {
    db = await createTestDatabase(kind, 'sql-builders');
    w = await db.open();
  });
  afterEach(async () => {
    await w.close();
    await db.drop();
  });

  it('a dimension whose table and columns need quoting loads like any other', async () => {
    await w.query(`create table "stg odd" ("Id" int, "seg""ment" text)`);
    await w.query(`insert into "stg odd" values (1, 'a'), (2, 'b')`);
    const dimension = scdDimension({
      table: odd.table,
      source: odd.source,
      surrogateKey: 'key',
      naturalKey: odd.naturalKey,
      scd2: odd.scd2,
      deletes: 'close',
    });
    await dimension.merge(w.knex, { end: day('2026-01-02') });
    await w.query(`update "stg odd" set "seg""ment" = 'c' where "Id" = 2`);
    expect(await dimension.merge(w.knex, { end: day('2026-01-03') })).toMatchObject({
      inserted: 1,
      closed: 1,
    });
    const rows = await w.query(
      `select "Id", "seg""ment" as s, is_current from "dim ""odd""; drop table x; --" where key <> -1 order by 1, valid_from`,
    );
    expect(rows).toEqual([
      { Id: 1, s: 'a', is_current: true },
      { Id: 2, s: 'b', is_current: false },
      { Id: 2, s: 'c', is_current: true },
    ]);
  });
});
