/**
 * npm run bench:load — load speed against PostgreSQL's own COPY, measured in the same run on the same server:
 * - baseline: `psql \copy` of a generated CSV (N rows, 5 columns: int, quoted text, numeric, timestamp, text);
 * - dwh pass-through (CSV bytes straight into COPY), dwh parsed + mapped (CSV parsed, mapping with casts);
 * - pg→pg: a table of another database copied by dwh vs a `psql \copy … to stdout | psql \copy … from stdin` pipe;
 * - MySQL (MariaDB) → PostgreSQL with dwh; knex.batchInsert of the parsed rows, for reference.
 * Ratios are baseline time / step time (1.00× = as fast as the baseline). Peak RSS is sampled during each step.
 * Usage: npm run bench:load [-- --rows 1000000 --url postgres://… --mysql-url mysql://… --skip knex,mysql]
 */
import { execFileSync, spawn } from 'node:child_process';
import { createReadStream, createWriteStream, mkdirSync, rmSync, statSync } from 'node:fs';
import { once } from 'node:events';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import mysql from 'mysql2/promise';
import pg from 'pg';
import pino from 'pino';
import { createConnectorRegistry } from '../../src/connectors/registry.js';
import type { ExtractContext } from '../../src/core/types.js';
import { openWarehouse, type Warehouse } from '../../src/db/connection.js';
import { loadTable, type LoadContext } from '../../src/db/load-table.js';
import { defineMapping } from '../../src/transform/mapping.js';
import { transformRows } from '../../src/transform/transform-rows.js';
import { CsvReader } from '../../src/connectors/file/csv-reader.js';

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '1000000' },
    url: { type: 'string' },
    'mysql-url': { type: 'string' },
    skip: { type: 'string', default: '' },
    repeat: { type: 'string', default: '1' },
  },
});
const rowCount = Number(values.rows);
/** Each step runs this many times; the fastest counts (the machine may be busy with other work). */
const repeat = Math.max(1, Number(values.repeat));
const adminUrl =
  values.url ?? process.env.DWH_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const mysqlUrl = values['mysql-url'] ?? process.env.DWH_TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306';
const skip = new Set(values.skip.split(',').filter(Boolean));
const repo = path.resolve(import.meta.dirname, '../..');
const root = path.join(repo, 'metadata', 'bench-load');
const csvFile = path.join(root, 'rows.csv');
const suffix = Math.random().toString(36).slice(2, 8);
const targetDb = `dwh_bench_target_${suffix}`;
const sourceDb = `dwh_bench_source_${suffix}`;
const mysqlDb = `dwh_bench_${suffix}`;
const TABLE =
  'create table bench_rows (id bigint, name text, amount numeric(12,2), created_at timestamp, category text)';

function dbUrl(name: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function admin(sql: string, url = adminUrl): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** ~74 bytes a row: quoted text with commas and escaped quotes, like a real export. */
async function generateCsv(): Promise<void> {
  mkdirSync(root, { recursive: true });
  const out = createWriteStream(csvFile);
  out.write('id,name,amount,created_at,category\n');
  const base = Date.UTC(2026, 0, 1);
  let chunk = '';
  for (let i = 1; i <= rowCount; i++) {
    const ts = new Date(base + i * 1000).toISOString().slice(0, 19).replace('T', ' ');
    const name = i % 10 === 0 ? `"Customer ${i}, ""gold"""` : `"Customer ${i}, standard"`;
    chunk += `${i},${name},${((i * 7919) % 100000) / 100},${ts},category_${i % 17}\n`;
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  out.end(chunk);
  await once(out, 'finish');
}

interface Step {
  name: string;
  seconds: number;
  rows: number;
  baseline: 'copy' | 'pipe';
  peakRssMb: number | null;
}
const steps: Step[] = [];

/** Runs one step, sampling this process's RSS every 20 ms; the target table is emptied first (not timed). */
async function measure(
  name: string,
  baseline: Step['baseline'],
  work: () => Promise<number>,
  ownProcess = true,
): Promise<void> {
  await admin('truncate bench_rows', dbUrl(targetDb));
  await admin('checkpoint');
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  const started = performance.now();
  const rows = await work();
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  const [count] = (await queryTarget('select count(*)::int as n from bench_rows')) as { n: number }[];
  if (count!.n !== rowCount) throw new Error(`${name}: ${count!.n} rows in the target, expected ${rowCount}`);
  const rss = ownProcess ? Math.round(peak / 1_048_576) : null;
  const seen = steps.find((s) => s.name === name);
  if (!seen) steps.push({ name, seconds, rows, baseline, peakRssMb: rss });
  else {
    seen.seconds = Math.min(seen.seconds, seconds);
    if (rss !== null) seen.peakRssMb = Math.max(seen.peakRssMb ?? 0, rss);
  }
  process.stderr.write(`  ${name}: ${seconds.toFixed(2)} s\n`);
}

async function queryTarget(sql: string): Promise<unknown[]> {
  const client = new pg.Client({ connectionString: dbUrl(targetDb) });
  await client.connect();
  try {
    return (await client.query<Record<string, unknown>>(sql)).rows;
  } finally {
    await client.end();
  }
}

function run(command: string, args: string[], input?: NodeJS.ReadableStream): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: [input ? 'pipe' : 'ignore', 'ignore', 'inherit'] });
    if (input && child.stdin) input.pipe(child.stdin);
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`${command} exited with ${code}`)),
    );
  });
}

/** `psql src -c "\copy (…) to stdout" | psql dst -c "\copy … from stdin"` */
function psqlPipe(): Promise<void> {
  return new Promise((resolve, reject) => {
    const out = spawn('psql', [dbUrl(sourceDb), '-qc', '\\copy bench_rows to stdout'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const into = spawn('psql', [dbUrl(targetDb), '-qc', '\\copy bench_rows from stdin'], {
      stdio: ['pipe', 'ignore', 'inherit'],
    });
    out.stdout.pipe(into.stdin);
    out.on('error', reject);
    into.on('error', reject);
    into.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`psql exited with ${code}`))));
  });
}

const silent = pino({ level: 'silent' });
const window = {
  loadType: 'F' as const,
  start: new Date('2000-01-01T00:00:00Z'),
  end: new Date('2100-01-01T00:00:00Z'),
  previousMaxDate: null,
};
const extractContext: ExtractContext = {
  window,
  projectDir: root,
  signal: new AbortController().signal,
  log: silent,
};

async function main(): Promise<void> {
  process.stderr.write(`generating ${rowCount.toLocaleString('en-US')} rows…\n`);
  await generateCsv();
  const megabytes = statSync(csvFile).size / 1_048_576;
  await admin(`create database ${targetDb}`);
  await admin(`create database ${sourceDb}`);
  await admin(TABLE, dbUrl(targetDb));
  await admin(TABLE, dbUrl(sourceDb));
  execFileSync('psql', [
    dbUrl(sourceDb),
    '-qc',
    `\\copy bench_rows from '${csvFile}' with (format csv, header true)`,
  ]);
  const warehouse: Warehouse = await openWarehouse({
    url: dbUrl(targetDb),
    engine: 'pglite',
    embeddedDir: '',
    pgliteDir: '',
    command: 'bench',
  });
  const ctx: LoadContext = { db: warehouse.knex, log: silent, window, signal: new AbortController().signal };
  const registry = createConnectorRegistry({
    section: {
      files: { kind: 'file', dir: path.relative(repo, root) },
      source: { kind: 'postgres', url: dbUrl(sourceDb) },
      shop: { kind: 'mysql', url: `${mysqlUrl.replace(/\/$/, '')}/${mysqlDb}` },
    },
    file: 'bench',
    environment: 'bench',
    home: repo,
  });
  const mapping = defineMapping('bench', {
    columns: {
      id: 'int',
      name: { from: 'name', type: 'text' },
      amount: 'numeric',
      created_at: 'timestamp',
      category: 'text',
    },
    dateColumn: 'created_at',
  });

  try {
    if (!skip.has('mysql')) {
      const my = await mysql.createConnection({
        uri: mysqlUrl,
        infileStreamFactory: () => createReadStream(csvFile),
      } as never);
      await my.query(`create database ${mysqlDb}`);
      await my.query(
        `create table ${mysqlDb}.bench_rows (id bigint, name text, amount decimal(12,2), created_at datetime, category text)`,
      );
      await my.query({
        sql: `load data local infile 'rows.csv' into table ${mysqlDb}.bench_rows fields terminated by ',' optionally enclosed by '"' ignore 1 lines`,
        infileStreamFactory: () => createReadStream(csvFile),
      } as never);
      await my.end();
    }
    for (let round = 1; round <= repeat; round++) {
      process.stderr.write(`measuring, round ${round} of ${repeat}…\n`);
      await measure(
        'psql \\copy (baseline)',
        'copy',
        async () => {
          await run('psql', [
            dbUrl(targetDb),
            '-qc',
            `\\copy bench_rows from '${csvFile}' with (format csv, header true)`,
          ]);
          return rowCount;
        },
        false,
      );
      await measure('dwh pass-through (CSV → COPY)', 'copy', async () => {
        const source = await (
          await registry.get('files')
        ).extract('rows.csv', extractContext, { prefer: 'bytes' });
        return (await loadTable(ctx, { table: 'bench_rows' }, source)).records;
      });
      await measure('dwh parsed + mapped', 'copy', async () => {
        const source = await (await registry.get('files')).extract('rows.csv', extractContext);
        if (source.kind !== 'rows') throw new Error('expected rows');
        return (
          await loadTable(
            ctx,
            { table: 'bench_rows' },
            { kind: 'rows', batches: transformRows(source.batches, mapping) },
          )
        ).records;
      });
      await measure(
        'psql copy pipe pg→pg (baseline 2)',
        'pipe',
        async () => {
          await psqlPipe();
          return rowCount;
        },
        false,
      );
      await measure('dwh pg→pg', 'pipe', async () => {
        const source = await (
          await registry.get('source')
        ).extract('select * from bench_rows', extractContext, { prefer: 'bytes' });
        return (await loadTable(ctx, { table: 'bench_rows' }, source)).records;
      });
      if (!skip.has('mysql')) {
        await measure('dwh MySQL → PG', 'copy', async () => {
          const source = await (
            await registry.get('shop')
          ).extract('select id, name, amount, created_at, category from bench_rows', extractContext);
          return (await loadTable(ctx, { table: 'bench_rows' }, source)).records;
        });
      }
      if (!skip.has('knex')) {
        await measure('knex.batchInsert (reference)', 'copy', async () => {
          const reader = new CsvReader('rows.csv');
          const stream = createReadStream(csvFile, { encoding: 'utf8', highWaterMark: 1 << 20 });
          let header: (string | null)[] | null = null;
          let total = 0;
          for await (const chunk of stream as AsyncIterable<string>) {
            const { rows } = reader.push(chunk);
            if (!header) header = rows.shift()!;
            const objects = rows.map((r) => Object.fromEntries(header!.map((c, i) => [c ?? '', r[i]])));
            if (objects.length) await warehouse.knex.batchInsert('bench_rows', objects, 1000);
            total += objects.length;
          }
          return total;
        });
      }
    }
  } finally {
    await registry.closeAll();
    await warehouse.close();
    await admin(`drop database if exists ${targetDb} with (force)`);
    await admin(`drop database if exists ${sourceDb} with (force)`);
    if (!skip.has('mysql')) {
      const my = await mysql.createConnection({ uri: mysqlUrl });
      await my.query(`drop database if exists ${mysqlDb}`);
      await my.end();
    }
    rmSync(root, { recursive: true, force: true });
  }
  print(megabytes);
}

function print(megabytes: number): void {
  const copy = steps.find((s) => s.baseline === 'copy')!.seconds;
  const pipe = steps.find((s) => s.baseline === 'pipe')?.seconds ?? copy;
  console.log(
    `\nload benchmark: ${rowCount.toLocaleString('en-US')} rows, ${megabytes.toFixed(0)} MB CSV, PostgreSQL ${new URL(adminUrl).host}, best of ${repeat}`,
  );
  console.log(
    `${'step'.padEnd(36)} ${'seconds'.padStart(8)} ${'rows/s'.padStart(11)} ${'vs baseline'.padStart(12)} ${'peak RSS'.padStart(9)}`,
  );
  for (const s of steps) {
    const base = s.baseline === 'copy' ? copy : pipe;
    const ratio = `${(base / s.seconds).toFixed(2)}×${s.baseline === 'pipe' ? ' (2)' : ''}`;
    console.log(
      `${s.name.padEnd(36)} ${s.seconds.toFixed(2).padStart(8)} ${Math.round(s.rows / s.seconds)
        .toLocaleString('en-US')
        .padStart(
          11,
        )} ${ratio.padStart(12)} ${(s.peakRssMb === null ? '—' : `${s.peakRssMb} MB`).padStart(9)}`,
    );
  }
  console.log('ratios: baseline time / step time; (2) = against the psql COPY pipe between two databases');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
