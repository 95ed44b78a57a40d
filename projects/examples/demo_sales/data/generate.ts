/**
 * Writes sales.csv: deterministic, realistic-looking orders of five stores from 2026-01-01 to 2026-10-31.
 * Run with `npx tsx projects/examples/demo_sales/data/generate.ts` (the committed file is its output).
 */
import { writeFileSync } from 'node:fs';
import { stringify } from 'csv-stringify/sync';

function mulberry32(seed: number) {
  return () => {
    seed |= 0;
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const random = mulberry32(20260101);
const stores = ['Berlin', 'Paris', 'Madrid', 'Rome', 'Vienna'];
const products: Array<[string, number]> = [
  ['Espresso beans 1kg', 18.9],
  ['Coffee, dark roast 500g', 11.5],
  ['Green tea "Sencha" 100g', 7.25],
  ['Oat milk 1l', 2.49],
  ['Croissant', 1.8],
  ['Ceramic mug', 9.99],
  ['Grinder, manual', 34.0],
  ['Filter papers (100)', 3.4],
  ['Chocolate bar 70%', 2.95],
  ['Cold brew bottle', 4.5],
  ['Gift card 25', 25.0],
  ['Travel tumbler', 19.5],
];

const rows: unknown[][] = [];
let orderId = 100000;
for (let day = Date.UTC(2026, 0, 1); day < Date.UTC(2026, 10, 1); day += 86_400_000) {
  const weekday = new Date(day).getUTCDay();
  const orders = 9 + Math.floor(random() * 6) + (weekday === 6 ? 4 : 0);
  const times = Array.from({ length: orders }, () => day + Math.floor((7 + random() * 13) * 3_600_000)).sort();
  for (const time of times) {
    const [product, price] = products[Math.floor(random() * products.length)]!;
    rows.push([
      ++orderId,
      new Date(time).toISOString(),
      stores[Math.floor(random() * stores.length)],
      product,
      1 + Math.floor(random() * random() * 6),
      price.toFixed(2),
    ]);
  }
}
writeFileSync(
  new URL('./sales.csv', import.meta.url),
  stringify(rows, { header: true, columns: ['order_id', 'order_ts', 'store', 'product', 'quantity', 'unit_price'] }),
);
console.log(`${rows.length} orders written`);
