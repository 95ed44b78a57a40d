import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runProject } from '../../src/run/run-project.js';
import type { Warehouse } from '../../src/db/connection.js';
import { repoRoot } from '../helpers/cli.js';
import { createTestDatabase, targetKinds, type TestDatabase } from '../helpers/test-databases.js';
import { day, snapshot } from './warehouse-helpers.js';

const dataDir = path.join(repoRoot, 'projects/retail/retail_star/data');
const csv = (file: string) =>
  parse<Record<string, string>>(readFileSync(path.join(dataDir, file)), { columns: true });
const sales = csv('sales.csv');
const changes = csv('customers.csv');
const products = new Set(csv('products.csv').map((p) => p.product_id));

/** What the customer system says at `end`: the last change of each customer, without deleted ones. */
function customersAt(end: Date) {
  const latest = new Map<string, Record<string, string>>();
  for (const change of changes)
    if (Date.parse(change.changed_at!) < end.getTime()) latest.set(change.customer_id!, change);
  return [...latest.values()]
    .filter((c) => c.deleted === '0')
    .map((c) => [Number(c.customer_id), c.segment, c.city, c.email || null])
    .sort((a, b) => (a[0] as number) - (b[0] as number));
}

const cents = (value: string | number) => Math.round(Number(value) * 100);

const ends = ['2026-01-02', '2026-01-03', '2026-01-04', '2026-01-05', '2026-01-06'];

describe.each(targetKinds)('warehouse: retail_star example, day by day (%s)', (kind) => {
  let db: TestDatabase;
  let w: Warehouse;
  const run = (request: { endDate: Date; startDate?: Date }) =>
    runProject({
      project: 'retail/retail_star',
      console: false,
      env: { DWH_HOME: repoRoot, ...db.env },
      ...request,
    });
  const reports: Awaited<ReturnType<typeof run>>[] = [];

  beforeAll(async () => {
    db = await createTestDatabase(kind, 'retail-star');
    for (const end of ends) reports.push(await run({ endDate: day(end) }));
    w = await db.open();
  }, 300_000);
  afterAll(async () => {
    await w?.close();
    await db.drop();
  });

  it('every daily run succeeds and loads exactly the order lines of its window', async () => {
    for (const report of reports) {
      expect(report.error).toBeNull();
      expect(report.status).toBe('success');
      const inWindow = sales.filter((s) => {
        const ts = Date.parse(s.order_ts!);
        return ts >= report.window.start.getTime() && ts < report.window.end.getTime();
      });
      const [task] = await w.query<{ records: number }>(
        `select records from dwh.etl_task_runs where run_id = $1 and task_name = 'fact_sales'`,
        [report.runId],
      );
      expect(task!.records).toBe(inWindow.length);
    }
  });

  it('fact_sales holds every order line once, with revenue per day equal to the source', async () => {
    const expected = new Map<string, number>();
    for (const s of sales.filter((s) => s.order_ts! < '2026-01-06')) {
      const date = s.order_ts!.slice(0, 10);
      expected.set(date, (expected.get(date) ?? 0) + Number(s.quantity) * cents(s.unit_price!));
    }
    const rows = await w.query<{ date: string; revenue: string }>(
      `select date::text as date, sum(revenue) as revenue from v_revenue_by_segment group by date order by date`,
    );
    expect(rows.map((r) => [r.date, cents(r.revenue)])).toEqual([...expected]);
    const [agg] = await w.query<{ total: string }>(
      `select revenue_running as total from agg_revenue_running order by period desc limit 1`,
    );
    expect(cents(agg!.total)).toBe([...expected.values()].reduce((a, b) => a + b, 0));
  });

  it('lines of products missing from the catalogue point at the unknown member, customers are always found', async () => {
    const missing = sales.filter(
      (s) => s.order_ts! < '2026-01-06' && !products.has(s.product_id ?? ''),
    ).length;
    expect(missing).toBeGreaterThan(0);
    const [counts] = await w.query<{ product: number; customer: number }>(
      `select count(*) filter (where product_key = -1)::int as product, count(*) filter (where customer_key = -1)::int as customer
       from fact_sales`,
    );
    expect(counts).toEqual({ product: missing, customer: 0 });
  });

  it('dim_customer current versions equal the customer system at the last window end, with history kept', async () => {
    const current = await w.query<Record<string, unknown>>(
      `select customer_id, segment, city, email from dim_customer
       where is_current and customer_key <> -1 order by customer_id`,
    );
    expect(current.map((c) => [c.customer_id, c.segment, c.city, c.email])).toEqual(
      customersAt(day('2026-01-06')),
    );
    const [history] = await w.query<{ closed: number }>(
      `select count(*)::int as closed from dim_customer where not is_current`,
    );
    expect(history!.closed).toBeGreaterThan(0);
  });

  it('each order line carries the customer version valid at order time', async () => {
    const rows = await w.query<{ order_id: string; line_no: number; segment: string; city: string }>(
      `select f.order_id::text, f.line_no, c.segment, c.city from fact_sales f join dim_customer c using (customer_key)`,
    );
    // the last change of the customer before the order (versions of the first day start at creation)
    const byOrder = new Map(rows.map((r) => [`${r.order_id}/${r.line_no}`, r]));
    let checked = 0;
    for (const s of sales.filter((s) => s.order_ts! < '2026-01-06')) {
      const before = changes.filter(
        (c) => c.customer_id === s.customer_id && Date.parse(c.changed_at!) <= Date.parse(s.order_ts!),
      );
      const state = before.at(-1)!;
      // changes later on the same day before the window end are seen only at their own time
      const row = byOrder.get(`${s.order_id}/${s.line_no}`)!;
      if (
        changes.some(
          (c) => c.customer_id === s.customer_id && c.changed_at!.slice(0, 10) === s.order_ts!.slice(0, 10),
        )
      )
        continue;
      expect([row.segment, row.city]).toEqual([state.segment, state.city]);
      checked += 1;
    }
    expect(checked).toBeGreaterThan(300);
  });

  it('loading the last day again writes nothing to the dimensions and reproduces the same facts', async () => {
    const dimension = await snapshot(w, 'dim_customer', 'customer_key');
    const facts = await w.query(
      `select order_id, line_no, customer_key, product_key, date_key, amount from fact_sales order by 1, 2`,
    );
    await w.close();
    const last = reports.at(-1)!;
    const again = await run({ startDate: last.window.start, endDate: last.window.end });
    w = await db.open();
    expect(again.status).toBe('success');
    const tasks = await w.query<{ task_name: string; records: number }>(
      `select task_name, records from dwh.etl_task_runs where run_id = $1 and task_name like 'dim_%' order by 1`,
      [again.runId],
    );
    expect(tasks).toEqual([
      { task_name: 'dim_customer', records: 0 },
      { task_name: 'dim_date', records: 0 },
      { task_name: 'dim_product', records: 0 },
    ]);
    expect(await snapshot(w, 'dim_customer', 'customer_key')).toEqual(dimension);
    expect(
      await w.query(
        `select order_id, line_no, customer_key, product_key, date_key, amount from fact_sales order by 1, 2`,
      ),
    ).toEqual(facts);
  });
});
