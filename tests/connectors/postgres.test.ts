import type { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConnectorRegistry, type ConnectorRegistry } from '../../src/connectors/registry.js';
import { collectRows, extractContext } from '../helpers/connector-context.js';
import { failure } from '../helpers/failure.js';
import { createSourcePg, sourcePgAdminUrl } from '../helpers/source-databases.js';

describe.skipIf(!sourcePgAdminUrl)('connectors: postgres (the real PostgreSQL server)', () => {
  let source: { url: string; drop(): Promise<void> };
  let registry: ConnectorRegistry;

  beforeAll(async () => {
    source = await createSourcePg(
      'pgconn',
      `create table orders (id int, note text, amount numeric(10,2), ordered_at timestamptz);
       insert into orders values
         (1, 'before', 1.10, '2025-12-31T23:00:00Z'),
         (2, 'tab	and ''quote''', 2.20, '2026-01-01T08:00:00Z'),
         (3, null, 3.30, '2026-01-01T20:00:00Z'),
         (4, 'after', 4.40, '2026-01-02T00:00:00Z');`,
    );
    registry = createConnectorRegistry({
      section: { crm: { kind: 'postgres', url: source.url, batchSize: 2 } },
      file: 'config/dwh.yaml',
      environment: 'test',
      home: process.cwd(),
    });
  });
  afterAll(async () => {
    await registry.closeAll();
    await source.drop();
  });

  const query =
    'select id, note, amount, ordered_at from orders where ordered_at >= :start_load_date and ordered_at < :end_load_date and note is distinct from :skip order by id';

  it('streams rows through a cursor with the window as parameters', async () => {
    const { ctx } = extractContext();
    const rows = await collectRows(
      await (await registry.get('crm')).extract({ query, params: { skip: 'none' } }, ctx),
    );
    expect(rows).toEqual([
      { id: 2, note: "tab\tand 'quote'", amount: '2.20', ordered_at: new Date('2026-01-01T08:00:00Z') },
      { id: 3, note: null, amount: '3.30', ordered_at: new Date('2026-01-01T20:00:00Z') },
    ]);
  });

  it('offers COPY TO STDOUT bytes with the parameters inlined as escaped literals', async () => {
    const { ctx } = extractContext();
    const source = await (
      await registry.get('crm')
    ).extract({ query, params: { skip: "it's; drop table orders" } }, ctx, { prefer: 'bytes' });
    expect(source).toMatchObject({
      kind: 'bytes',
      format: 'text',
      columns: ['id', 'note', 'amount', 'ordered_at'],
    });
    if (source.kind !== 'bytes') return;
    const [part] = [...(source.parts as Iterable<{ open(): Readable | Promise<Readable> }>)];
    let text = '';
    for await (const chunk of (await part!.open()) as AsyncIterable<Buffer>) text += chunk.toString();
    expect(text).toBe(
      "2\ttab\\tand 'quote'\t2.20\t2026-01-01 08:00:00+00\n3\t\\N\t3.30\t2026-01-01 20:00:00+00\n",
    );
  });

  it('a failing query names the connector', async () => {
    const { ctx } = extractContext();
    const error = await failure(
      collectRows(await (await registry.get('crm')).extract('select nope from orders', ctx)),
    );
    expect(error.message).toMatch(/^connector 'crm': query failed: column "nope" does not exist/);
    // the connection is usable afterwards
    expect(await collectRows(await (await registry.get('crm')).extract('select 1 as one', ctx))).toEqual([
      { one: 1 },
    ]);
  });

  it('an unreachable server is a clear error without the password', async () => {
    const gone = createConnectorRegistry({
      section: {
        old: {
          kind: 'postgres',
          url: 'postgres://etl:hunter2secret@127.0.0.1:1/crm',
          connectTimeoutMs: 2000,
        },
      },
      file: 'config/dwh.yaml',
      environment: 'test',
      home: process.cwd(),
    });
    const error = await failure(gone.get('old'));
    expect(error.message).toMatch(
      /^connector 'old': cannot connect to postgres postgres:\/\/etl:\*\*\*@127\.0\.0\.1:1\/crm: .*ECONNREFUSED/,
    );
    expect(error.message).not.toContain('hunter2secret');
  });
});
