import pg from 'pg';
import mysql from 'mysql2/promise';

/** The PostgreSQL server used as a source (the same server as the target tests; CI sets DWH_TEST_DATABASE_URL). */
export const sourcePgAdminUrl = process.env.DWH_TEST_DATABASE_URL ?? null;
/** The MariaDB/MySQL server used as a source. (Default: root on 127.0.0.1:3306, as on CI) */
export const sourceMysqlUrl = process.env.DWH_TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306';

const suffix = () => Math.random().toString(36).slice(2, 8);

/** A PostgreSQL database of its own, filled by `setup`; returns its URL and a drop function. */
export async function createSourcePg(
  label: string,
  setup: string,
): Promise<{ url: string; drop(): Promise<void> }> {
  if (!sourcePgAdminUrl) throw new Error('DWH_TEST_DATABASE_URL is not set');
  const name = `dwh_src_${label}_${suffix()}`;
  const admin = new pg.Client({ connectionString: sourcePgAdminUrl });
  await admin.connect();
  await admin.query(`create database "${name}"`);
  await admin.end();
  const parsed = new URL(sourcePgAdminUrl);
  parsed.pathname = `/${name}`;
  const url = parsed.toString();
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query(setup);
  await client.end();
  return {
    url,
    async drop() {
      if (process.env.DWH_TEST_KEEP) return;
      const c = new pg.Client({ connectionString: sourcePgAdminUrl });
      await c.connect();
      await c.query(`drop database if exists "${name}" with (force)`);
      await c.end();
    },
  };
}

/** A MariaDB database of its own, filled by `statements`; returns its URL and a drop function. */
export async function createSourceMysql(
  label: string,
  statements: string[],
): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `dwh_src_${label}_${suffix()}`;
  const admin = await mysql.createConnection({ uri: sourceMysqlUrl });
  await admin.query(`create database \`${name}\``);
  await admin.query(`use \`${name}\``);
  for (const statement of statements) await admin.query(statement);
  await admin.end();
  const parsed = new URL(sourceMysqlUrl);
  parsed.pathname = `/${name}`;
  return {
    url: parsed.toString(),
    async drop() {
      if (process.env.DWH_TEST_KEEP) return;
      const c = await mysql.createConnection({ uri: sourceMysqlUrl });
      await c.query(`drop database if exists \`${name}\``);
      await c.end();
    },
  };
}
