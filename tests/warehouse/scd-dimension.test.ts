import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Warehouse } from '../../src/db/connection.js';
import { scdDimension, type ScdDimensionOptions } from '../../src/warehouse/scd-dimension.js';
import { createTestDatabase, targetKinds, type TestDatabase } from '../helpers/test-databases.js';
import { day, setRows, snapshot } from './warehouse-helpers.js';

interface Customer {
  customer_id: number;
  segment: string | null;
  city: string | null;
  email: string | null;
  changed_at?: string;
  created_at?: string;
}

const declaration: ScdDimensionOptions = {
  table: 'dim_customer',
  source: 'stg_customer',
  naturalKey: ['customer_id'],
  scd2: ['segment', 'city'],
  scd1: ['email'],
  deletes: 'close',
};

describe.each(targetKinds)('warehouse: SCD dimension rules (%s)', (kind) => {
  let db: TestDatabase;
  let w: Warehouse;
  beforeEach(async () => {
    db = await createTestDatabase(kind, 'scd-dimension');
    w = await db.open();
    await w.query(
      `create table stg_customer (customer_id int, segment text, city text, email text, changed_at timestamptz, created_at timestamptz)`,
    );
  });
  afterEach(async () => {
    await w.close();
    await db.drop();
  });

  async function load(rows: Customer[], end: string, options: Partial<ScdDimensionOptions> = {}) {
    await setRows(w, 'stg_customer', rows as unknown as Record<string, unknown>[]);
    return scdDimension({ ...declaration, ...options }).merge(w.knex, { end: day(end), runId: 7 });
  }

  /** The dimension without the unknown member, as readable tuples. */
  async function versions() {
    const rows = await w.query<Record<string, unknown>>(
      `select customer_id, segment, city, email, valid_from::text as valid_from, valid_to::text as valid_to, is_current
       from dim_customer where customer_key <> -1 order by customer_id, valid_from`,
    );
    return rows.map((r) => [
      r.customer_id,
      r.segment,
      r.city,
      r.email,
      r.valid_from,
      r.valid_to,
      r.is_current,
    ]);
  }

  const ann = { customer_id: 1, segment: 'retail', city: 'Berlin', email: 'ann@example.com' };
  const bob = { customer_id: 2, segment: 'business', city: 'Paris', email: 'bob@example.com' };

  it('a new natural key gets its first version, valid from the end_load_date until infinity', async () => {
    const result = await load([ann, bob], '2026-01-02');
    expect(result).toEqual({ inserted: 2, closed: 0, deleted: 0, updated: 0, corrected: 0 });
    expect(await versions()).toEqual([
      [1, 'retail', 'Berlin', 'ann@example.com', '2026-01-02 00:00:00+00', 'infinity', true],
      [2, 'business', 'Paris', 'bob@example.com', '2026-01-02 00:00:00+00', 'infinity', true],
    ]);
    const unknown = await w.query(
      `select customer_id, valid_from::text as f, valid_to::text as t, is_current from dim_customer where customer_key = -1`,
    );
    expect(unknown).toEqual([{ customer_id: null, f: '-infinity', t: 'infinity', is_current: true }]);
  });

  it('an SCD2 change closes the current version at the effective time and opens a new one', async () => {
    await load([ann, bob], '2026-01-02');
    const result = await load([{ ...ann, city: 'Hamburg' }, bob], '2026-01-03');
    expect(result).toEqual({ inserted: 1, closed: 1, deleted: 0, updated: 0, corrected: 0 });
    expect(await versions()).toEqual([
      [1, 'retail', 'Berlin', 'ann@example.com', '2026-01-02 00:00:00+00', '2026-01-03 00:00:00+00', false],
      [1, 'retail', 'Hamburg', 'ann@example.com', '2026-01-03 00:00:00+00', 'infinity', true],
      [2, 'business', 'Paris', 'bob@example.com', '2026-01-02 00:00:00+00', 'infinity', true],
    ]);
  });

  it('an SCD1 change overwrites the attribute on every version of the key, without a new version', async () => {
    await load([ann], '2026-01-02');
    await load([{ ...ann, segment: 'vip' }], '2026-01-03');
    const result = await load([{ ...ann, segment: 'vip', email: 'ann@new.example' }], '2026-01-04');
    expect(result).toEqual({ inserted: 0, closed: 0, deleted: 0, updated: 2, corrected: 0 });
    expect(await versions()).toEqual([
      [1, 'retail', 'Berlin', 'ann@new.example', '2026-01-02 00:00:00+00', '2026-01-03 00:00:00+00', false],
      [1, 'vip', 'Berlin', 'ann@new.example', '2026-01-03 00:00:00+00', 'infinity', true],
    ]);
  });

  it('SCD2 and SCD1 changed together: one new version with all new values, history gets the new SCD1 value', async () => {
    await load([ann], '2026-01-02');
    const result = await load([{ ...ann, city: 'Munich', email: 'ann@munich.example' }], '2026-01-03');
    expect(result).toEqual({ inserted: 1, closed: 1, deleted: 0, updated: 1, corrected: 0 });
    expect(await versions()).toEqual([
      [
        1,
        'retail',
        'Berlin',
        'ann@munich.example',
        '2026-01-02 00:00:00+00',
        '2026-01-03 00:00:00+00',
        false,
      ],
      [1, 'retail', 'Munich', 'ann@munich.example', '2026-01-03 00:00:00+00', 'infinity', true],
    ]);
  });

  it("deletes: 'close' ends the current version of a key absent from staging; a key that comes back gets a new version", async () => {
    await load([ann, bob], '2026-01-02');
    expect(await load([ann], '2026-01-03')).toEqual({
      inserted: 0,
      closed: 0,
      deleted: 1,
      updated: 0,
      corrected: 0,
    });
    expect(await versions()).toEqual([
      [1, 'retail', 'Berlin', 'ann@example.com', '2026-01-02 00:00:00+00', 'infinity', true],
      [2, 'business', 'Paris', 'bob@example.com', '2026-01-02 00:00:00+00', '2026-01-03 00:00:00+00', false],
    ]);
    expect(await load([ann, bob], '2026-01-05')).toMatchObject({ inserted: 1, deleted: 0 });
    expect(await versions()).toEqual([
      [1, 'retail', 'Berlin', 'ann@example.com', '2026-01-02 00:00:00+00', 'infinity', true],
      [2, 'business', 'Paris', 'bob@example.com', '2026-01-02 00:00:00+00', '2026-01-03 00:00:00+00', false],
      [2, 'business', 'Paris', 'bob@example.com', '2026-01-05 00:00:00+00', 'infinity', true],
    ]);
  });

  it("deletes: 'ignore' leaves keys absent from staging current", async () => {
    await load([ann, bob], '2026-01-02', { deletes: 'ignore' });
    const result = await load([ann], '2026-01-03', { deletes: 'ignore' });
    expect(result).toEqual({ inserted: 0, closed: 0, deleted: 0, updated: 0, corrected: 0 });
    expect((await versions()).map((v) => [v[0], v[5], v[6]])).toEqual([
      [1, 'infinity', true],
      [2, 'infinity', true],
    ]);
  });

  it('the same load twice is a no-op: the second writes nothing, not even equal values', async () => {
    const rows = [ann, { ...bob, city: 'Lyon' }];
    await load([ann, bob], '2026-01-02');
    await load(rows, '2026-01-03');
    const before = await snapshot(w, 'dim_customer', 'customer_key');
    const again = await load(rows, '2026-01-03');
    expect(again).toEqual({ inserted: 0, closed: 0, deleted: 0, updated: 0, corrected: 0 });
    const later = await load(rows, '2026-01-04');
    expect(later).toEqual({ inserted: 0, closed: 0, deleted: 0, updated: 0, corrected: 0 });
    expect(await snapshot(w, 'dim_customer', 'customer_key')).toEqual(before);
  });

  it('NULL and the empty string are different values; NULL → value → NULL are all changes', async () => {
    const days = ['2026-01-02', '2026-01-03', '2026-01-04', '2026-01-05', '2026-01-06'];
    const cities = [null, '', 'Rome', null, null];
    const emails = ['', '', '', null, 'x@example.com'];
    for (const [i, d] of days.entries()) {
      await load([{ ...ann, city: cities[i]!, email: emails[i]! }], d);
    }
    expect(await versions()).toEqual([
      [1, 'retail', null, 'x@example.com', '2026-01-02 00:00:00+00', '2026-01-03 00:00:00+00', false],
      [1, 'retail', '', 'x@example.com', '2026-01-03 00:00:00+00', '2026-01-04 00:00:00+00', false],
      [1, 'retail', 'Rome', 'x@example.com', '2026-01-04 00:00:00+00', '2026-01-05 00:00:00+00', false],
      [1, 'retail', null, 'x@example.com', '2026-01-05 00:00:00+00', 'infinity', true],
    ]);
  });

  it('effectiveFrom takes each version start from a staging timestamp column', async () => {
    const options = { effectiveFrom: 'changed_at' };
    await load([{ ...ann, changed_at: '2026-01-01T09:30:00Z' }], '2026-01-02', options);
    await load([{ ...ann, segment: 'vip', changed_at: '2026-01-02T14:00:00Z' }], '2026-01-03', options);
    expect(await versions()).toEqual([
      [1, 'retail', 'Berlin', 'ann@example.com', '2026-01-01 09:30:00+00', '2026-01-02 14:00:00+00', false],
      [1, 'vip', 'Berlin', 'ann@example.com', '2026-01-02 14:00:00+00', 'infinity', true],
    ]);
  });

  it('firstVersionFrom starts a new key at its own time; a key coming back starts at the effective time', async () => {
    const options = { effectiveFrom: 'changed_at', firstVersionFrom: 'created_at' };
    await load(
      [{ ...ann, changed_at: '2026-01-01T15:00:00Z', created_at: '2026-01-01T10:00:00Z' }],
      '2026-01-02',
      options,
    );
    await load([], '2026-01-03', options);
    await load(
      [{ ...ann, changed_at: '2026-01-04T08:00:00Z', created_at: '2026-01-01T10:00:00Z' }],
      '2026-01-05',
      options,
    );
    expect(await versions()).toEqual([
      [1, 'retail', 'Berlin', 'ann@example.com', '2026-01-01 10:00:00+00', '2026-01-03 00:00:00+00', false],
      [1, 'retail', 'Berlin', 'ann@example.com', '2026-01-04 08:00:00+00', 'infinity', true],
    ]);
  });

  it('loading the same window again with corrected values corrects the current version in place', async () => {
    await load([ann], '2026-01-02');
    await load([{ ...ann, city: 'Bonn' }], '2026-01-03');
    const result = await load([{ ...ann, city: 'Köln' }], '2026-01-03');
    expect(result).toEqual({ inserted: 0, closed: 0, deleted: 0, updated: 0, corrected: 1 });
    expect(await versions()).toEqual([
      [1, 'retail', 'Berlin', 'ann@example.com', '2026-01-02 00:00:00+00', '2026-01-03 00:00:00+00', false],
      [1, 'retail', 'Köln', 'ann@example.com', '2026-01-03 00:00:00+00', 'infinity', true],
    ]);
  });

  it('a failing load leaves the dimension exactly as before', async () => {
    await load([ann, bob], '2026-01-02');
    const before = await snapshot(w, 'dim_customer', 'customer_key');
    // the SCD1 and SCD2 statements succeed first; the NULL natural key then fails the insert
    const bad = [
      { ...ann, email: 'changed@example.com', city: 'Oslo' },
      { customer_id: null, segment: 'x', city: 'y', email: 'z' },
    ] as unknown as Customer[];
    await expect(load(bad, '2026-01-03')).rejects.toThrow(
      /loading dimension dim_customer failed, nothing was written: staging stg_customer has a row with a NULL natural key/,
    );
    expect(await snapshot(w, 'dim_customer', 'customer_key')).toEqual(before);
  });

  it('a load going back in time is refused with a clear message and writes nothing', async () => {
    await load([ann], '2026-01-05');
    const before = await snapshot(w, 'dim_customer', 'customer_key');
    await expect(load([{ ...ann, city: 'Oslo' }], '2026-01-03')).rejects.toThrow(
      /loads of a dimension must move forward in time/,
    );
    expect(await snapshot(w, 'dim_customer', 'customer_key')).toEqual(before);
  });

  it('overlapping versions are impossible, even with a hand-written insert', async () => {
    await load([ann], '2026-01-02');
    await load([{ ...ann, city: 'Oslo' }], '2026-01-04');
    const insert = (from: string, to: string, current: boolean) =>
      w.query(
        `insert into dim_customer (customer_id, segment, city, email, row_hash, scd1_hash, valid_from, valid_to, is_current)
         values (1, 'x', 'y', 'z', md5('a')::uuid, md5('b')::uuid, $1::timestamptz, $2::timestamptz, $3)`,
        [from, to, current],
      );
    // inside a closed version
    await expect(insert('2026-01-02T12:00:00Z', '2026-01-03T00:00:00Z', false)).rejects.toThrow(
      /dim_customer_no_overlap/,
    );
    // a second current version
    await expect(insert('2026-02-01T00:00:00Z', 'infinity', true)).rejects.toThrow(/dim_customer/);
    // an empty or reversed validity
    await expect(insert('2025-12-01T00:00:00Z', '2025-11-01T00:00:00Z', false)).rejects.toThrow(
      /dim_customer_validity_check/,
    );
    // current without an open end
    await expect(insert('2025-11-01T00:00:00Z', '2025-12-01T00:00:00Z', true)).rejects.toThrow(
      /dim_customer_current_check/,
    );
    // a version that fits into the gap before the first one is fine
    await insert('2025-11-01T00:00:00Z', '2026-01-02T00:00:00Z', false);
    expect(await versions()).toHaveLength(3);
  });
});

describe('warehouse: SCD dimension declaration', () => {
  it('refuses a column in two roles, a managed column and an unknown deletes mode', () => {
    expect(() => scdDimension({ ...declaration, scd1: ['email', 'city'] })).toThrow(
      /scdDimension\(dim_customer\): column\(s\) city listed in more than one role/,
    );
    expect(() => scdDimension({ ...declaration, scd1: ['valid_from'] })).toThrow(
      /valid_from is a column the dimension manages itself/,
    );
    expect(() => scdDimension({ ...declaration, naturalKey: [] })).toThrow(/naturalKey: at least one column/);
    expect(() => scdDimension({ ...declaration, deletes: 'drop' as 'close' })).toThrow(
      /deletes must be 'ignore' or 'close' \(got "drop"\)/,
    );
  });
});
