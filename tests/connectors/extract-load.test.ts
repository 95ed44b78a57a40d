import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureHome } from '../helpers/cli.js';
import { auditOf, runFixture } from '../helpers/run-fixture.js';
import { createSourceMysql, createSourcePg, sourcePgAdminUrl } from '../helpers/source-databases.js';
import { createTestDatabase, targetKinds, type TestDatabase } from '../helpers/test-databases.js';

const TOKEN = 'rates-token-5d1c8b7e2f';
const end = new Date('2026-01-02T00:00:00Z');
const unused = {
  DWH_TEST_SOURCE_PG_URL: 'postgres://unused',
  DWH_TEST_SOURCE_MYSQL_URL: 'mysql://unused',
  DWH_TEST_SOURCE_API_URL: 'http://127.0.0.1:1/',
  DWH_TEST_SOURCE_API_TOKEN: TOKEN,
};

/** Runs a connector fixture in the `connectors` environment of the fixture home, with the sources given. */
function run(
  db: TestDatabase,
  project: string,
  sources: Record<string, string> = {},
  request: Parameters<typeof runFixture>[2] = {},
) {
  return runFixture(db, project, {
    environment: 'connectors',
    env: { DWH_HOME: fixtureHome, ...db.env, ...unused, ...sources },
    loadType: 'F',
    endDate: end,
    ...request,
  });
}

describe.each(targetKinds)('extractLoad: projects moving sources into the warehouse (%s)', (kind) => {
  let db: TestDatabase;
  const query = async <T>(sql: string) => {
    const warehouse = await db.open();
    try {
      return await warehouse.query<T>(sql);
    } finally {
      await warehouse.close();
    }
  };

  beforeAll(async () => {
    db = await createTestDatabase(kind, 'extract-load');
  });
  afterAll(async () => {
    await db.drop();
  });

  it('CSV files through a mapping: renames, casts, derives, filters; bad rows go to the rejects file', async () => {
    const report = await run(db, 'conn_csv_mapped');
    expect(report.error).toBeNull();
    const rows = await query<Record<string, unknown>>(
      'select order_id::int, customer, label, amount, paid from conn_orders order by order_id',
    );
    expect(rows.map((r) => [r.order_id, r.customer, r.label, r.amount, r.paid])).toEqual([
      [1, 'Ann', '1/ANN', '10.50', true],
      [4, 'Cy, Jr.', '4/CY, JR.', '0.00', false],
      [6, 'Eve', '6/EVE', '7.25', true],
    ]);
    const { run: audit, attempts } = await auditOf(db, report.runId!);
    expect(audit.number_of_records).toBe(3);
    expect(audit.number_of_rejected_records).toBe(2);
    expect(attempts.map((a) => a.rejected)).toEqual([2]);
    expect(audit.data_min_date?.toISOString()).toBe('2026-01-02T09:15:00.000Z');
    expect(audit.data_max_date?.toISOString()).toBe('2026-01-05T08:00:00.000Z');

    const output = path.join(db.metadataDir, 'conn_csv_mapped', 'output');
    const files = readdirSync(output).filter((f) => f.endsWith('_rejects.csv'));
    expect(files).toHaveLength(1);
    const lines = readFileSync(path.join(output, files[0]!), 'utf8').trim().split('\n');
    expect(lines[0]).toBe('row,source,line,column,value,reason,record');
    expect(lines[1]).toMatch(/^2,data\/orders_1\.csv,3,amount,abc,"cannot cast ""abc"" to numeric",/);
    expect(lines[2]).toMatch(
      /^5,data\/orders_2\.csv,3,ordered_at,2026-13-01 00:00:00,"cannot cast ""2026-13-01 00:00:00"" to timestamp",/,
    );
    expect(lines).toHaveLength(3);
    expect(readFileSync(report.logFile!, 'utf8')).toMatch(/2 rows rejected, written to .*_rejects\.csv/);
  });

  it('onError fail stops at the bad row with file, line, column and value and leaves the target as it was', async () => {
    const report = await run(db, 'conn_csv_strict');
    expect(report.status).toBe('failed');
    expect(report.error).toContain(
      `data/amounts.csv line 4 (row 3): column amount: cannot cast "abc" to numeric`,
    );
    const { run: audit } = await auditOf(db, report.runId!);
    expect(audit.error_message).toContain('data/amounts.csv line 4 (row 3)');
    expect(await query('select id from conn_strict')).toEqual([{ id: 100 }]);
  });

  it('an HTTP error fails the run with the URL and without the token, in the audit row and the log', async () => {
    const server: Server = createServer((req, res) => {
      res.writeHead(req.headers.authorization === `Bearer ${TOKEN}` ? 403 : 401);
      res.end('plan does not include rates');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const api = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/`;
      const report = await run(db, 'conn_http_rates', { DWH_TEST_SOURCE_API_URL: api });
      expect(report.status).toBe('failed');
      // the base URL comes from ${env:…}, so it is a secret and masked like the token
      expect(report.error).toContain(
        `GET ***rates?since=2026-01-01&page=1&size=2 returned 403 Forbidden: plan does not include rates`,
      );
      expect(report.error).not.toContain(api);
      const { run: audit } = await auditOf(db, report.runId!);
      expect(audit.error_message).not.toContain(TOKEN);
      expect(readFileSync(report.logFile!, 'utf8')).not.toContain(TOKEN);
    } finally {
      server.close();
    }
  });

  it('HTTP pages through a mapping into the target', async () => {
    const rates = [
      { code: 'EUR', rate: '1.0', day: '2026-01-01' },
      { code: 'USD', rate: 1.08, day: '2026-01-01' },
      { code: 'GBP', rate: '0.86', day: '2025-12-31' },
    ];
    const server = createServer((req, res) => {
      const url = new URL(req.url!, 'http://x');
      const page = Number(url.searchParams.get('page'));
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ rates: rates.slice((page - 1) * 2, page * 2) }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const api = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
      const report = await run(db, 'conn_http_rates', { DWH_TEST_SOURCE_API_URL: api });
      expect(report.error).toBeNull();
      expect(await query('select currency, rate::text as rate from conn_rates order by currency')).toEqual([
        { currency: 'EUR', rate: '1.000000' },
        { currency: 'GBP', rate: '0.860000' },
        { currency: 'USD', rate: '1.080000' },
      ]);
      const { run: audit } = await auditOf(db, report.runId!);
      expect(audit.data_min_date?.toISOString()).toBe('2025-12-31T00:00:00.000Z');
    } finally {
      server.close();
    }
  });

  it('a source that cannot be reached fails the run clearly', async () => {
    const report = await run(db, 'conn_mysql_mapped', {
      DWH_TEST_SOURCE_MYSQL_URL: 'mysql://etl:pw-not-shown-123@127.0.0.1:1/shop',
    });
    expect(report.status).toBe('failed');
    expect(report.error).toMatch(
      /connector 'source_mysql': cannot connect to mysql mysql:\/\/etl:\*\*\*@127\.0\.0\.1:1\/shop: .*ECONNREFUSED/,
    );
    expect(report.error).not.toContain('pw-not-shown-123');
  });

  it('MySQL (MariaDB) rows through a mapping', async () => {
    const source = await createSourceMysql('el', [
      'create table customers (id bigint, name varchar(40), balance decimal(12,2), active tinyint(1), signed_up datetime)',
      `insert into customers values (1, ' Ann ', 12.50, 1, '2025-12-30 10:00:00'), (2, 'Bob', null, 0, '2026-01-01 12:00:00'),
       (3, 'Cy', 3, 1, '2026-01-01 23:00:00'), (4, 'Future', 1, 1, '2026-01-05 00:00:00')`,
    ]);
    try {
      const report = await run(db, 'conn_mysql_mapped', { DWH_TEST_SOURCE_MYSQL_URL: source.url });
      expect(report.error).toBeNull();
      const rows = await query<Record<string, unknown>>(
        'select customer_id::int, name, balance, active from conn_customers order by 1',
      );
      expect(rows).toEqual([
        { customer_id: 1, name: 'Ann', balance: '12.50', active: true },
        { customer_id: 2, name: 'Bob', balance: '0.00', active: false },
        { customer_id: 3, name: 'Cy', balance: '3.00', active: true },
      ]);
      const { run: audit } = await auditOf(db, report.runId!);
      expect(audit.number_of_records).toBe(3);
      expect(audit.data_max_date?.toISOString()).toBe('2026-01-01T23:00:00.000Z');
    } finally {
      await source.drop();
    }
  });

  it.skipIf(!sourcePgAdminUrl)(
    'PostgreSQL → warehouse pass-through: only the window, and a re-run replaces it (delete-window)',
    async () => {
      const source = await createSourcePg(
        'el',
        `create table events (id int, kind text, payload jsonb, happened_at timestamptz);
       insert into events values (1, 'old', '{"a":1}', '2025-12-31T23:59:59Z'), (2, 'tab	in', '{"b":[1,2]}', '2026-01-01T00:00:00Z'),
                                 (3, null, null, '2026-01-01T12:00:00Z'), (4, 'next', '{}', '2026-01-02T00:00:00Z');`,
      );
      try {
        const window = { loadType: 'I' as const, startDate: new Date('2026-01-01T00:00:00Z'), endDate: end };
        for (let i = 0; i < 2; i++) {
          const report = await run(db, 'conn_pg_copy', { DWH_TEST_SOURCE_PG_URL: source.url }, window);
          expect(report.error).toBeNull();
          expect(report.result?.records).toBe(2);
        }
        expect(await query('select event_id, kind, payload from conn_events order by 1')).toEqual([
          { event_id: 2, kind: 'tab\tin', payload: { b: [1, 2] } },
          { event_id: 3, kind: null, payload: null },
        ]);
        expect(existsSync(path.join(db.metadataDir, 'conn_pg_copy', 'logs'))).toBe(true);
        const log = readdirSync(path.join(db.metadataDir, 'conn_pg_copy', 'logs'));
        const text = readFileSync(path.join(db.metadataDir, 'conn_pg_copy', 'logs', log[0]!), 'utf8');
        expect(text).toMatch(/loaded 2 rows \(delete-window, pass-through\)/);
      } finally {
        await source.drop();
      }
    },
  );
});
