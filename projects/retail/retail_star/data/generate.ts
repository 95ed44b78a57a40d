/**
 * Writes the retail sample data: deterministic, from a fixed seed.
 * - customers.csv: the customer system's change log (full state after each change; deleted = 1 ends a customer)
 * - products.csv:  the product catalogue
 * - sales.csv:     order lines from 2026-01-01 to 2026-03-31 (a few reference products missing from the catalogue)
 * Run with `npx tsx projects/retail/retail_star/data/generate.ts` (the committed files are its output).
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

const random = mulberry32(20260301);
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
const DAY = 86_400_000;
const FIRST = Date.UTC(2026, 0, 1);
const LAST = Date.UTC(2026, 3, 1);

const segments = ['consumer', 'small business', 'corporate', 'vip'];
const cities = ['Berlin', 'Paris', 'Madrid', 'Rome', 'Vienna', 'Lisbon', 'Prague', 'Oslo'];
const firstNames = ['Ana', 'Ben', 'Chloé', 'Dmitri', 'Eva', 'Farid', 'Greta', 'Hugo', 'Ines', 'Jonas', 'Kai', 'Lea'];
const lastNames = ['Meyer', 'Dubois', 'García', 'Rossi', 'Novak', 'Silva', 'Larsen', "O'Brien", 'Huber', 'Costa'];

interface Customer {
  customer_id: number;
  name: string;
  email: string | null;
  segment: string;
  city: string;
  deleted: boolean;
}

const changes: unknown[][] = [];
const customers = new Map<number, Customer>();
const record = (at: number, c: Customer) =>
  changes.push([
    c.customer_id,
    new Date(at).toISOString(),
    c.name,
    c.email ?? '',
    c.segment,
    c.city,
    c.deleted ? 1 : 0,
  ]);
let nextId = 1000;
const newCustomer = (at: number) => {
  const name = `${pick(firstNames)} ${pick(lastNames)}`;
  const id = ++nextId;
  // some customers leave no e-mail address: an empty field, which staging reads as NULL
  const email = random() < 0.1 ? null : `${name.toLowerCase().replace(/[^a-z]+/g, '.')}.${id}@example.com`;
  const customer = { customer_id: id, name, email, segment: pick(segments), city: pick(cities), deleted: false };
  customers.set(id, customer);
  record(at, customer);
};

for (let i = 0; i < 250; i++) newCustomer(Date.UTC(2025, 11, 1) + Math.floor(random() * 30 * DAY));
const alive = () => [...customers.values()].filter((c) => !c.deleted);

const products: unknown[][] = [];
const categories = ['coffee', 'tea', 'bakery', 'equipment', 'gifts'];
for (let id = 1; id <= 40; id++) {
  const category = categories[id % categories.length]!;
  products.push([id, `${category} item ${String(id).padStart(2, '0')}`, category, (2 + random() * 48).toFixed(2)]);
}

const sales: unknown[][] = [];
let orderId = 500000;
for (let day = FIRST; day < LAST; day += DAY) {
  // the day's customer changes, at random times
  const events = Array.from({ length: 4 + Math.floor(random() * 6) }, () => day + Math.floor(random() * DAY)).sort(
    (a, b) => a - b,
  );
  for (const at of events) {
    const roll = random();
    const customer = pick(alive());
    if (roll < 0.3) newCustomer(at);
    else if (roll < 0.55) record(at, Object.assign(customer, { segment: pick(segments) }));
    else if (roll < 0.75) record(at, Object.assign(customer, { city: pick(cities) }));
    else if (roll < 0.92) record(at, Object.assign(customer, { email: `${customer.customer_id}.${at % 997}@mail.example` }));
    else if (roll < 0.97) record(at, Object.assign(customer, { deleted: true }));
    else {
      const gone = [...customers.values()].filter((c) => c.deleted);
      if (gone.length) record(at, Object.assign(pick(gone), { deleted: false, city: pick(cities) }));
    }
  }
  // orders between 08:00 and 20:00, by customers existing at that moment
  const orders = 30 + Math.floor(random() * 25);
  const times = Array.from({ length: orders }, () => day + Math.floor((8 + random() * 12) * 3_600_000)).sort(
    (a, b) => a - b,
  );
  for (const time of times) {
    const state = new Map<number, boolean>();
    for (const row of changes) if (Date.parse(row[1] as string) <= time) state.set(row[0] as number, row[6] === 0);
    const buyers = [...state].filter(([, ok]) => ok).map(([id]) => id);
    const customerId = pick(buyers);
    orderId += 1;
    const lines = 1 + Math.floor(random() * 3);
    for (let line = 1; line <= lines; line++) {
      const productId = random() < 0.01 ? 90 + Math.floor(random() * 5) : 1 + Math.floor(random() * 40);
      const price = productId <= 40 ? Number(products[productId - 1]![3]) : 9.99;
      sales.push([orderId, line, new Date(time).toISOString(), customerId, productId, 1 + Math.floor(random() * 4), price.toFixed(2)]);
    }
  }
}

const write = (file: string, columns: string[], rows: unknown[][]) =>
  writeFileSync(new URL(file, import.meta.url), stringify(rows, { header: true, columns }));
write('./customers.csv', ['customer_id', 'changed_at', 'name', 'email', 'segment', 'city', 'deleted'], changes);
write('./products.csv', ['product_id', 'name', 'category', 'list_price'], products);
write('./sales.csv', ['order_id', 'line_no', 'order_ts', 'customer_id', 'product_id', 'quantity', 'unit_price'], sales);
console.log(`${changes.length} customer changes, ${products.length} products, ${sales.length} order lines written`);
