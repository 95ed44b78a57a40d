import type { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConnectorRegistry, type ConnectorRegistry } from '../../src/connectors/registry.js';
import type { BytePart, LoadSource, RowBatch } from '../../src/core/load-source.js';
import type { Connector } from '../../src/core/types.js';
import { collectRows, extractContext } from '../helpers/connector-context.js';
import { createSourceMysql, createSourcePg, sourcePgAdminUrl } from '../helpers/source-databases.js';

// without the session going back to the pool, the second extract would wait for it forever: fail instead
const HANG = { timeout: 10_000 };

/** The first batch of a row source, then stops reading (a for-await break: the generator's return()). */
async function firstBatchOnly(source: LoadSource): Promise<RowBatch> {
  if (source.kind !== 'rows') throw new Error(`expected rows, got ${source.kind}`);
  for await (const batch of source.batches) return batch;
  throw new Error('no batch');
}

/** The first chunk of the first part of a byte source, then destroys the stream. */
async function firstChunkOnly(source: LoadSource): Promise<string> {
  if (source.kind !== 'bytes') throw new Error(`expected bytes, got ${source.kind}`);
  const [part] = [...(source.parts as Iterable<BytePart>)];
  const stream: Readable = await part!.open();
  for await (const chunk of stream as AsyncIterable<Buffer>) return chunk.toString();
  throw new Error('no chunk');
}

/**
 * With the one session of `connector` held by an extract left half-read, a second extract whose signal aborts
 * stops waiting at once with the abort's reason; once the first is given back, the pool serves again.
 */
async function abortsWhileWaiting(connector: Connector, query: string): Promise<void> {
  const { ctx } = extractContext();
  const held = await connector.extract(query, ctx);
  if (held.kind !== 'rows') throw new Error('expected rows');
  const reading = (held.batches as AsyncIterable<RowBatch>)[Symbol.asyncIterator]();
  await reading.next();
  const controller = new AbortController();
  const waiting = extractContext({ signal: controller.signal }).ctx;
  const second = collectRows(await connector.extract(query, waiting));
  setTimeout(() => controller.abort(new Error('task timed out')), 100);
  const started = Date.now();
  await expect(second).rejects.toThrow('task timed out');
  expect(Date.now() - started).toBeLessThan(2_000);
  await reading.return!();
  expect(await collectRows(await connector.extract(query, ctx))).toHaveLength(10);
}

/**
 * Two extracts of `connector` read in step, batch by batch: the same ten rows each, and the second column
 * (the source's session id) tells they were read on different sessions.
 */
async function readsTwoAtOnce(connector: Connector, query: string): Promise<void> {
  const { ctx } = extractContext();
  const a = await connector.extract(query, ctx);
  const b = await connector.extract(query, ctx);
  if (a.kind !== 'rows' || b.kind !== 'rows') throw new Error('expected rows');
  const left = (a.batches as AsyncIterable<RowBatch>)[Symbol.asyncIterator]();
  const right = (b.batches as AsyncIterable<RowBatch>)[Symbol.asyncIterator]();
  const seen: { a: unknown[][]; b: unknown[][] } = { a: [], b: [] };
  for (;;) {
    const [x, y] = [await left.next(), await right.next()];
    if (x.done || y.done) {
      expect(x.done && y.done).toBe(true);
      break;
    }
    seen.a.push(...x.value.rows);
    seen.b.push(...y.value.rows);
  }
  expect(seen.a.map((r) => r[0])).toEqual(seen.b.map((r) => r[0]));
  expect(seen.a).toHaveLength(10);
  expect(seen.a[0]![1]).not.toBe(seen.b[0]![1]);
}

function registryOf(section: Record<string, unknown>): ConnectorRegistry {
  return createConnectorRegistry({
    section,
    file: 'config/dwh.yaml',
    environment: 'test',
    home: process.cwd(),
  });
}

describe.skipIf(!sourcePgAdminUrl)('connectors: postgres sessions (the real PostgreSQL server)', () => {
  let source: { url: string; drop(): Promise<void> };
  let registry: ConnectorRegistry;
  const numbers = 'select g as n, pg_backend_pid() as session from generate_series(1, 10) g order by g';

  beforeAll(async () => {
    source = await createSourcePg('pgsess', 'select 1');
    registry = registryOf({
      one: { kind: 'postgres', url: source.url, batchSize: 2, maxConnections: 1 },
      two: { kind: 'postgres', url: source.url, batchSize: 2, maxConnections: 2 },
    });
  });
  afterAll(async () => {
    await registry.closeAll();
    await source.drop();
  });

  it(
    'an extract abandoned after its first batch gives its session back, its transaction ended',
    HANG,
    async () => {
      const { ctx } = extractContext();
      const one = await registry.get('one');
      const first = await firstBatchOnly(await one.extract(numbers, ctx));
      expect(first.rows.map((r) => r[0])).toEqual([1, 2]);
      // the one session of the pool again: had its transaction been left open, its cursor would still exist
      const rows = await collectRows(await one.extract(numbers, ctx));
      expect(rows.map((r) => r.n)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      expect(rows[0]!.session).toBe(first.rows[0]![1]);
    },
  );

  it('a COPY stream destroyed after its first chunk gives its place in the pool back', HANG, async () => {
    const { ctx } = extractContext();
    const one = await registry.get('one');
    const chunk = await firstChunkOnly(await one.extract(numbers, ctx, { prefer: 'bytes' }));
    expect(chunk).toMatch(/^1\t\d+\n/);
    expect((await collectRows(await one.extract(numbers, ctx))).map((r) => r.n)).toHaveLength(10);
    // and a COPY read to its end gives its session back too
    const all = await one.extract(numbers, ctx, { prefer: 'bytes' });
    if (all.kind !== 'bytes') throw new Error('expected bytes');
    let text = '';
    for await (const c of (await [...(all.parts as Iterable<BytePart>)][0]!.open()) as AsyncIterable<Buffer>)
      text += c.toString();
    expect(text.trim().split('\n')).toHaveLength(10);
    expect(await collectRows(await one.extract('select 1 as one', ctx))).toEqual([{ one: 1 }]);
  });

  it('closing the connector ends a session an extract still holds', HANG, async () => {
    const { ctx } = extractContext();
    const own = registryOf({ crm: { kind: 'postgres', url: source.url, batchSize: 2 } });
    const extracted = await (await own.get('crm')).extract(numbers, ctx);
    if (extracted.kind !== 'rows') throw new Error('expected rows');
    // read one batch and leave it there: no return(), so the cursor's session is still out
    await (extracted.batches as AsyncIterable<RowBatch>)[Symbol.asyncIterator]().next();
    expect(await own.closeAll()).toEqual([]);
  });

  it('an extract waiting for a free session stops waiting when its task is aborted', HANG, async () => {
    await abortsWhileWaiting(await registry.get('one'), numbers);
  });

  it('a failing query gives its session back', HANG, async () => {
    const { ctx } = extractContext();
    const one = await registry.get('one');
    await expect(collectRows(await one.extract('select nope', ctx))).rejects.toThrow(/column "nope"/);
    expect(await collectRows(await one.extract('select 1 as one', ctx))).toEqual([{ one: 1 }]);
  });

  it('one task reads two extracts of the same connector at once, each on its own session', HANG, async () => {
    await readsTwoAtOnce(await registry.get('two'), numbers);
  });
});

describe('connectors: mysql sessions (the real MariaDB server)', () => {
  let source: { url: string; drop(): Promise<void> };
  let registry: ConnectorRegistry;
  const numbers = 'select n, connection_id() as session from numbers order by n';

  beforeAll(async () => {
    source = await createSourceMysql('mysess', [
      'create table numbers (n int)',
      `insert into numbers values ${Array.from({ length: 10 }, (_, i) => `(${i + 1})`).join(', ')}`,
    ]);
    registry = registryOf({
      one: { kind: 'mysql', url: source.url, batchSize: 2, maxConnections: 1 },
      two: { kind: 'mysql', url: source.url, batchSize: 2, maxConnections: 2 },
    });
  });
  afterAll(async () => {
    await registry.closeAll();
    await source.drop();
  });

  it('an extract abandoned after its first batch gives its place in the pool back', HANG, async () => {
    const { ctx } = extractContext();
    const one = await registry.get('one');
    const first = await firstBatchOnly(await one.extract(numbers, ctx));
    expect(first.rows.map((r) => r[0])).toEqual([1, 2]);
    expect((await collectRows(await one.extract(numbers, ctx))).map((r) => r.n)).toEqual([
      1, 2, 3, 4, 5, 6, 7, 8, 9, 10,
    ]);
  });

  it('closing the connector ends a connection an extract still streams on', HANG, async () => {
    const { ctx } = extractContext();
    const own = registryOf({ shop: { kind: 'mysql', url: source.url, batchSize: 2 } });
    const extracted = await (await own.get('shop')).extract(numbers, ctx);
    if (extracted.kind !== 'rows') throw new Error('expected rows');
    await (extracted.batches as AsyncIterable<RowBatch>)[Symbol.asyncIterator]().next();
    expect(await own.closeAll()).toEqual([]);
  });

  it('an extract waiting for a free connection stops waiting when its task is aborted', HANG, async () => {
    await abortsWhileWaiting(await registry.get('one'), numbers);
  });

  it('a failing query gives its connection back', HANG, async () => {
    const { ctx } = extractContext();
    const one = await registry.get('one');
    const before = await collectRows(await one.extract('select connection_id() as session', ctx));
    await expect(collectRows(await one.extract('select nope from numbers', ctx))).rejects.toThrow(
      /Unknown column 'nope'/,
    );
    // a server error leaves the connection usable: the pool hands out the same one
    expect(await collectRows(await one.extract('select connection_id() as session', ctx))).toEqual(before);
  });

  it(
    'one task reads two extracts of the same connector at once, each on its own connection',
    HANG,
    async () => {
      await readsTwoAtOnce(await registry.get('two'), numbers);
    },
  );
});
