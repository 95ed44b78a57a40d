import { readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runProject } from '../../src/run/run-project.js';
import { repoRoot } from '../helpers/cli.js';
import { sourcePgAdminUrl } from '../helpers/source-databases.js';
import { createTestDatabase, targetKinds, type TestDatabase } from '../helpers/test-databases.js';

/** The connector examples of projects/examples, run as shipped (config/dwh.yaml's example_* connectors). */
describe.each(targetKinds)('connector examples in projects/examples (%s)', (kind) => {
  let db: TestDatabase;
  const run = (project: string, endDate: string) =>
    runProject({
      project,
      console: false,
      env: { DWH_HOME: repoRoot, ...db.env },
      endDate: new Date(endDate),
    });
  const count = async (table: string) => {
    const warehouse = await db.open();
    try {
      const [row] = await warehouse.query<{ n: number }>(`select count(*)::int as n from ${table}`);
      return row!.n;
    } finally {
      await warehouse.close();
    }
  };

  beforeAll(async () => {
    db = await createTestDatabase(kind, 'connector-examples');
  });
  afterAll(async () => {
    await db.drop();
  });

  it('csv_products loads the good rows and writes the rejects CSV', async () => {
    const report = await run('csv_products', '2026-03-01');
    expect(report.error).toBeNull();
    expect(report.result?.records).toBe(3);
    expect(await count('ex_products')).toBe(3);
    const output = readdirSync(path.join(db.metadataDir, 'csv_products', 'output'));
    expect(output.filter((f) => f.endsWith('_rejects.csv'))).toHaveLength(1);
  });

  it('mysql_customers reads the local MariaDB through a mapping', async () => {
    const report = await run('mysql_customers', '2026-01-03');
    expect(report.error).toBeNull();
    expect(await count('ex_customers')).toBe(500);
  });

  it.skipIf(!sourcePgAdminUrl)(
    'pg_to_pg_orders copies the window from the local PostgreSQL server',
    async () => {
      const report = await runProject({
        project: 'pg_to_pg_orders',
        console: false,
        env: { DWH_HOME: repoRoot, ...db.env },
        loadType: 'F',
        endDate: new Date('2026-01-03T00:00:00Z'),
      });
      expect(report.error).toBeNull();
      expect(report.result?.records).toBe(192); // two days, one order every 15 minutes
      expect(await count('ex_orders')).toBe(192);
    },
  );
});
