/**
 * SCD and fact benchmark: `npm run bench:scd [-- --rows N --fact-rows N --pglite-rows N --skip-pglite --skip-fact]`.
 *
 * 1. A dimension of `rows` keys (default 1,000,000) gets one load with 10 % SCD2 changes, 5 % SCD1-only
 *    changes, 2 % new keys and 1 % deletes. dwh's merge and the same work written by hand as plain SQL run on
 *    identical copies in the same run on the PostgreSQL server, twice in alternating order; the results are
 *    compared row by row and the time ratio printed (target ≤ 1.3×).
 * 2. The same dwh merge on PGlite (`pglite-rows`, default `rows`).
 * 3. A fact load of `fact-rows` rows (default 5,000,000) in monthly partitions with point-in-time lookups,
 *    then the reload of one month.
 *
 * The server is DWH_BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres); the benchmark
 * creates its own database there and drops it at the end. It prints figures and asserts nothing about time.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { openWarehouse, type Warehouse } from '../../src/db/connection.js';
import { factTable } from '../../src/warehouse/fact-table.js';
import { scdDimension, type ScdDimension } from '../../src/warehouse/scd-dimension.js';
import { inTransaction } from '../../src/warehouse/transaction.js';

const args = process.argv.slice(2);
const flag = (name: string) => args.includes(`--${name}`);
const option = (name: string, fallback: number) => {
  const at = args.indexOf(`--${name}`);
  if (at === -1) return fallback;
  const value = Number(args[at + 1]);
  if (!Number.isInteger(value) || value < 100)
    throw new Error(`--${name} needs a whole number ≥ 100 (got ${args[at + 1]})`);
  return value;
};
const rows = option('rows', 1_000_000);
const pgliteRows = option('pglite-rows', rows);
const factRows = option('fact-rows', 5_000_000);
const serverUrl = process.env.DWH_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

const T0 = new Date('2024-12-01T00:00:00Z');
const T1 = new Date('2025-07-01T00:00:00Z');
const T2 = new Date('2025-10-01T00:00:00Z');

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; result: T }> {
  const started = performance.now();
  const result = await work();
  return { ms: performance.now() - started, result };
}

function dimension(table: string): ScdDimension {
  return scdDimension({
    table,
    source: 'stg_customer',
    surrogateKey: 'customer_key',
    naturalKey: ['customer_id'],
    scd2: ['segment', 'city'],
    scd1: ['email', 'name'],
    deletes: 'close',
  });
}

/** The initial state of the source: `n` customers. */
async function stageInitial(w: Warehouse, n: number) {
  await w.query('DROP TABLE IF EXISTS stg_customer');
  await w.query(
    `CREATE TABLE stg_customer (customer_id integer, segment text, city text, email text, name text)`,
  );
  await w.query(
    `INSERT INTO stg_customer
     SELECT g, 'segment ' || (g % 7), 'city ' || (g % 101), 'c' || g || '@example.com', 'customer ' || g
     FROM generate_series(1, $1::int) g`,
    [n],
  );
}

/** One day of changes; `round` shifts which keys change so two rounds touch different keys. */
async function stageChanges(w: Warehouse, n: number, round: number) {
  const base = round * 20;
  await w.query(
    `UPDATE stg_customer SET segment = segment || '+' WHERE customer_id % 100 BETWEEN $1::int AND $1::int + 9`,
    [base],
  );
  await w.query(
    `UPDATE stg_customer SET email = 'new' || $2::int || '.' || email WHERE customer_id % 100 BETWEEN $1::int + 10 AND $1::int + 14`,
    [base, round],
  );
  await w.query(`DELETE FROM stg_customer WHERE customer_id % 100 = $1::int + 15`, [base]);
  await w.query(
    `INSERT INTO stg_customer
     SELECT g, 'segment new', 'city new', 'n' || g || '@example.com', 'new customer ' || g
     FROM generate_series($1::int + 1, $1::int + $2::int) g`,
    [n * (round + 2), Math.round(n * 0.02)],
  );
  await w.query('ANALYZE stg_customer');
}

/** The same merge, written by hand: what a careful engineer would write for this one table. */
async function handWrittenMerge(w: Warehouse, table: string, end: Date) {
  const t = `"${table}"`;
  await inTransaction(w.knex, async (query) => {
    await query({
      text: `UPDATE ${t} d SET email = s.email, name = s.name, scd1_hash = md5(ROW(s.email, s.name)::text)::uuid, run_id = 0
             FROM stg_customer s
             WHERE d.customer_id = s.customer_id AND (d.email, d.name) IS DISTINCT FROM (s.email, s.name)`,
      values: [],
    });
    await query({
      text: `UPDATE ${t} d SET valid_to = $1, is_current = false, run_id = 0
             FROM stg_customer s
             WHERE d.customer_id = s.customer_id AND d.is_current AND (d.segment, d.city) IS DISTINCT FROM (s.segment, s.city)`,
      values: [end],
    });
    await query({
      text: `UPDATE ${t} d SET valid_to = $1, is_current = false, run_id = 0
             WHERE d.is_current AND d.customer_key <> -1
               AND NOT EXISTS (SELECT 1 FROM stg_customer s WHERE s.customer_id = d.customer_id)`,
      values: [end],
    });
    await query({
      text: `INSERT INTO ${t} (customer_id, segment, city, email, name, row_hash, scd1_hash, valid_from, valid_to, is_current, run_id)
             SELECT s.customer_id, s.segment, s.city, s.email, s.name, md5(ROW(s.segment, s.city)::text)::uuid,
                    md5(ROW(s.email, s.name)::text)::uuid, $1, 'infinity', true, 0
             FROM stg_customer s
             WHERE NOT EXISTS (SELECT 1 FROM ${t} d WHERE d.customer_id = s.customer_id AND d.is_current)`,
      values: [end],
    });
  });
}

async function sameContents(w: Warehouse, a: string, b: string): Promise<number> {
  const columns =
    'customer_id, segment, city, email, name, row_hash, scd1_hash, valid_from, valid_to, is_current';
  const [row] = await w.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM ((SELECT ${columns} FROM "${a}" EXCEPT ALL SELECT ${columns} FROM "${b}")
     UNION ALL (SELECT ${columns} FROM "${b}" EXCEPT ALL SELECT ${columns} FROM "${a}")) diff`,
  );
  return row!.n;
}

async function serverDimension(w: Warehouse) {
  console.log(`\n== SCD merge, PostgreSQL server, ${rows.toLocaleString('en')} keys`);
  await stageInitial(w, rows);
  const dwhDim = dimension('dim_dwh');
  const handDim = dimension('dim_hand');
  const initial = await timed(() => dwhDim.merge(w.knex, { end: T0 }));
  console.log(
    `initial load (dwh, ${initial.result.inserted.toLocaleString('en')} rows): ${seconds(initial.ms)}`,
  );
  await handDim.merge(w.knex, { end: T0 });
  const totals = { dwh: 0, hand: 0 };
  for (const [round, end] of [
    [0, T1],
    [1, T2],
  ] as const) {
    await stageChanges(w, rows, round);
    await w.query('VACUUM ANALYZE dim_dwh');
    await w.query('VACUUM ANALYZE dim_hand');
    const runDwh = () => timed(() => dwhDim.merge(w.knex, { end }));
    const runHand = () => timed(() => handWrittenMerge(w, 'dim_hand', end));
    // alternate the order so neither side always gets the warmer cache
    const [first, second] =
      round === 0 ? [await runDwh(), await runHand()] : [await runHand(), await runDwh()];
    const dwh = (round === 0 ? first : second) as Awaited<ReturnType<typeof runDwh>>;
    const hand = round === 0 ? second : first;
    totals.dwh += dwh.ms;
    totals.hand += hand.ms;
    const r = dwh.result;
    console.log(
      `round ${round + 1}: dwh ${seconds(dwh.ms)} (inserted ${r.inserted}, closed ${r.closed}, deleted ${r.deleted}, ` +
        `updated ${r.updated}), hand-written ${seconds(hand.ms)}, ratio ${(dwh.ms / hand.ms).toFixed(2)}×`,
    );
    const differences = await sameContents(w, 'dim_dwh', 'dim_hand');
    if (differences) throw new Error(`dwh and hand-written results differ in ${differences} row(s)`);
  }
  console.log(
    `dwh merge vs hand-written SQL: ${(totals.dwh / totals.hand).toFixed(2)}× (target ≤ 1.3×), results identical`,
  );
  const again = await timed(() => dwhDim.merge(w.knex, { end: T2 }));
  const { inserted, closed, deleted, updated, corrected } = again.result;
  const written = inserted + closed + deleted + updated + corrected;
  console.log(`same load again (no-op): ${seconds(again.ms)}, ${written} rows written`);
}

async function pgliteDimension() {
  const root = mkdtempSync(path.join(os.tmpdir(), 'dwh-bench-'));
  const w = await openWarehouse({
    url: null,
    engine: 'pglite',
    embeddedDir: '',
    pgliteDir: path.join(root, 'pglite'),
    command: 'bench:scd',
  });
  try {
    console.log(`\n== SCD merge, PGlite, ${pgliteRows.toLocaleString('en')} keys`);
    await stageInitial(w, pgliteRows);
    const dim = dimension('dim_dwh');
    const initial = await timed(() => dim.merge(w.knex, { end: T0 }));
    console.log(`initial load: ${seconds(initial.ms)}`);
    await stageChanges(w, pgliteRows, 0);
    const load = await timed(() => dim.merge(w.knex, { end: T1 }));
    const r = load.result;
    console.log(
      `change load: ${seconds(load.ms)} (inserted ${r.inserted}, closed ${r.closed}, deleted ${r.deleted}, updated ${r.updated})`,
    );
  } finally {
    await w.close();
    rmSync(root, { recursive: true, force: true });
  }
}

async function serverFact(w: Warehouse) {
  console.log(`\n== fact load, PostgreSQL server, ${factRows.toLocaleString('en')} rows, monthly partitions`);
  await w.query(`DROP TABLE IF EXISTS stg_sales`);
  await w.query(
    `CREATE TABLE stg_sales (order_id bigint, order_ts timestamptz, customer_id integer, quantity integer, amount numeric(12,2))`,
  );
  const staged = await timed(() =>
    w.query(
      `INSERT INTO stg_sales
       SELECT g, '2025-01-01'::timestamptz + ((g - 1)::float8 / $1::int) * interval '365 days', 1 + (g::bigint * 7919) % $2::int,
              1 + g % 5, ((g % 10000) / 100.0)::numeric(12,2)
       FROM generate_series(1, $1::int) g`,
      [factRows, rows],
    ),
  );
  await w.query('ANALYZE stg_sales');
  console.log(`staging ${factRows.toLocaleString('en')} rows (generate_series): ${seconds(staged.ms)}`);
  const fact = factTable({
    table: 'fact_sales',
    source: 'stg_sales',
    grain: ['order_id'],
    dateColumn: 'order_ts',
    partition: 'month',
    dimensions: [{ lookup: dimension('dim_dwh'), naturalKey: ['customer_id'] }],
    measures: ['quantity', 'amount'],
  });
  const year = { start: new Date('2025-01-01T00:00:00Z'), end: new Date('2026-01-01T00:00:00Z') };
  const full = await timed(() => fact.reload(w.knex, year));
  console.log(
    `full load: ${seconds(full.ms)} (${full.result.inserted.toLocaleString('en')} rows, ${full.result.partitionsCreated.length} partitions, ` +
      `${Math.round(full.result.inserted / (full.ms / 1000)).toLocaleString('en')} rows/s, missing customers ${full.result.missing.dim_dwh})`,
  );
  const month = { start: new Date('2025-06-01T00:00:00Z'), end: new Date('2025-07-01T00:00:00Z') };
  const reload = await timed(() => fact.reload(w.knex, month));
  console.log(
    `one-month reload: ${seconds(reload.ms)} (${reload.result.replaced.toLocaleString('en')} rows replaced by ` +
      `${reload.result.inserted.toLocaleString('en')}, truncated ${reload.result.partitionsTruncated.join(', ')})`,
  );
}

async function main() {
  const database = `dwh_bench_${process.pid}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${database}"`);
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  const [{ server_version: version }] = (await admin.query<{ server_version: string }>('SHOW server_version'))
    .rows as [{ server_version: string }];
  console.log(`dwh bench:scd — server PostgreSQL ${version}, ${os.cpus().length} CPU(s)`);
  try {
    const w = await openWarehouse({
      url: url.toString(),
      engine: 'pglite',
      embeddedDir: '',
      pgliteDir: '',
      command: 'bench:scd',
    });
    try {
      await serverDimension(w);
      if (!flag('skip-fact')) await serverFact(w);
    } finally {
      await w.close();
    }
    if (!flag('skip-pglite')) await pgliteDimension();
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
    await admin.end();
  }
}

await main();
