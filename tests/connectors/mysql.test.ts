import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConnectorRegistry, type ConnectorRegistry } from '../../src/connectors/registry.js';
import { collectRows, extractContext } from '../helpers/connector-context.js';
import { failure } from '../helpers/failure.js';
import { createSourceMysql } from '../helpers/source-databases.js';

describe('connectors: mysql (the real MariaDB server)', () => {
  let source: { url: string; drop(): Promise<void> };
  let registry: ConnectorRegistry;

  beforeAll(async () => {
    source = await createSourceMysql('myconn', [
      'create table customers (id bigint primary key, name varchar(50), balance decimal(12,2), signed_up datetime, active tinyint(1))',
      `insert into customers values
        (1, 'Old', 1.00, '2025-12-31 10:00:00', 1),
        (2, 'Ann', 20.50, '2026-01-01 09:30:00', 1),
        (3, 'Bob', null, '2026-01-01 23:59:59', 0),
        (4, 'Late', 4.00, '2026-01-02 00:00:00', 1)`,
    ]);
    registry = createConnectorRegistry({
      section: { shop: { kind: 'mysql', url: source.url, batchSize: 1 } },
      file: 'config/dwh.yaml',
      environment: 'test',
      home: process.cwd(),
    });
  });
  afterAll(async () => {
    await registry.closeAll();
    await source.drop();
  });

  it('streams rows in batches with the window as named parameters, dates as UTC', async () => {
    const { ctx } = extractContext();
    const extracted = await (
      await registry.get('shop')
    ).extract(
      'select id, name, balance, signed_up, active from customers where signed_up >= :start_load_date and signed_up < :end_load_date order by id',
      ctx,
    );
    let batches = 0;
    const rows: Record<string, unknown>[] = [];
    if (extracted.kind === 'rows') {
      for await (const b of extracted.batches) {
        batches++;
        rows.push(...b.rows.map((r) => Object.fromEntries(b.columns.map((c, i) => [c, r[i]]))));
      }
    }
    expect(batches).toBe(2);
    expect(rows).toEqual([
      { id: '2', name: 'Ann', balance: '20.50', signed_up: new Date('2026-01-01T09:30:00Z'), active: 1 },
      { id: '3', name: 'Bob', balance: null, signed_up: new Date('2026-01-01T23:59:59Z'), active: 0 },
    ]);
  });

  it('a failing query names the connector and the server message', async () => {
    const { ctx } = extractContext();
    const error = await failure(
      collectRows(await (await registry.get('shop')).extract('select nope from customers', ctx)),
    );
    expect(error.message).toMatch(/^connector 'shop': query failed: Unknown column 'nope'/);
  });

  it('an unreachable server is a clear error without the password', async () => {
    const gone = createConnectorRegistry({
      section: {
        old: {
          kind: 'mysql',
          host: '127.0.0.1',
          port: 1,
          user: 'etl',
          password: 'hunter2secret',
          connectTimeoutMs: 2000,
        },
      },
      file: 'config/dwh.yaml',
      environment: 'test',
      home: process.cwd(),
    });
    const error = await failure(gone.get('old'));
    expect(error.message).toMatch(
      /^connector 'old': cannot connect to mysql 127\.0\.0\.1:1\/: .*ECONNREFUSED/,
    );
    expect(error.message).not.toContain('hunter2secret');
  });
});
