import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunRow } from '../../src/audit/run-store.js';
import { loadConfig } from '../../src/core/config.js';
import { startDashboard } from '../../src/monitor/dashboard-server.js';
import { runCli, type CliResult } from '../helpers/cli.js';
import { startSmtpServer, type ReceivedMail, type SmtpTestServer } from '../helpers/smtp-test-server.js';
import { createTestDatabase, targetKinds, type TestDatabase } from '../helpers/test-databases.js';
import { lastRun, notifyHome } from '../notify/notify-helpers.js';

/** Values only the configuration holds; the fixture task sec_leaky echoes each of them in its log and error. */
const FROM_ENV = {
  SEC_HEADER_VALUE: 'hdr-value-7f3k2q', // an HTTP header whose name does not look secret
  SEC_BASEURL_PART: 'tenant-9z8y7x', // a part of a baseUrl
  SEC_OVERRIDE_VALUE: 'override-q1w2e3r4', // a projects: settings override
};
const SMTP_PASSWORD = 'smtp-literal-pw-4417'; // written in dwh.yaml, registered even with e-mail off
const CONNECTOR_PASSWORD = 'conn-literal-pw-5521'; // of a connector that never opens
const WAREHOUSE_PASSWORD = 'wh-url-pw-3390'; // of DWH_DATABASE_URL (server only: the server trusts any)

describe.each(targetKinds)('secrets: configured values never appear in any output (%s)', (kind) => {
  let db: TestDatabase;
  let smtp: SmtpTestServer;
  let env: Record<string, string>;
  let secrets: string[];
  let run: CliResult;
  let quietRun: CliResult;
  let row: RunRow;
  let mail: ReceivedMail;

  const expectNoSecret = (text: string) => {
    for (const secret of secrets) expect(text).not.toContain(secret);
  };

  beforeAll(async () => {
    db = await createTestDatabase(kind, 'secrets');
    smtp = await startSmtpServer(SMTP_PASSWORD);
    env = { ...db.env, ...FROM_ENV, DWH_HOME: notifyHome, DWH_TEST_SMTP_PORT: String(smtp.port) };
    secrets = [...Object.values(FROM_ENV), SMTP_PASSWORD, CONNECTOR_PASSWORD];
    // the system server trusts any password; the embedded one checks its generated password
    if (db.kind === 'postgres' && db.url) {
      const url = new URL(db.url);
      url.username = 'postgres';
      url.password = WAREHOUSE_PASSWORD;
      env.DWH_DATABASE_URL = url.toString();
      secrets.push(WAREHOUSE_PASSWORD);
    }
    const args = ['run', 'sec_leaky', '--env', 'secrets', '-s', '2026-11-21', '-e', '2026-11-22'];
    run = await runCli(args, { env });
    row = await lastRun(db, 'sec_leaky');
    mail = smtp.received[0]!;
    quietRun = await runCli([...args, '--no-email'], { env });
  }, 240_000);
  afterAll(async () => {
    await smtp?.close();
    await db?.drop();
  });

  it('the run fails with the task error, masked on the console (log lines and end-of-run summary)', () => {
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(
      /leak\s+failed\s+1\s+0\s+[\d.]+ s {2}source refused: header X-Client-Id \*\*\*/,
    );
    expectNoSecret(run.stdout + run.stderr);
  });

  it('a run without e-mail masks the SMTP password too', () => {
    expect(quietRun.code).toBe(1);
    expect(quietRun.stdout).toContain('smtp login dwh-sender/***');
    expectNoSecret(quietRun.stdout + quietRun.stderr);
  });

  it('the log file masks them, in messages and in logged objects', () => {
    const dir = path.join(db.metadataDir, 'sec_leaky', 'logs');
    const logs = readdirSync(dir).map((file) => readFileSync(path.join(dir, file), 'utf8'));
    expect(logs).toHaveLength(2);
    for (const log of logs) {
      expect(log).toContain(`crm login loader/***`);
      expectNoSecret(log);
    }
  });

  it('etl_runs.error_message and parameters mask them, and so does dwh runs --json', async () => {
    expect(row.error_message).toContain('source refused: header X-Client-Id ***');
    expect(JSON.stringify(row.parameters)).toContain('"region":"***"');
    expectNoSecret(JSON.stringify(row));
    const json = await runCli(['runs', 'sec_leaky', '--json', '-a', '--env', 'secrets'], { env });
    expect(json.code, json.stderr).toBe(0);
    expect(JSON.parse(json.stdout)).toHaveLength(2);
    expectNoSecret(json.stdout + json.stderr);
  });

  it('the e-mail body and its attached log mask them', () => {
    expect(mail.parsed.text).toContain('GET http://127.0.0.1:9/***/v1/rates');
    expectNoSecret(mail.raw);
    expectNoSecret(mail.parsed.text ?? '');
    expectNoSecret(mail.parsed.html ?? '');
    expect(mail.parsed.attachments).toHaveLength(1);
    const attached = Buffer.from(mail.parsed.attachments[0]!.content as ArrayBuffer).toString('utf8');
    expect(attached).toContain('region ***');
    expectNoSecret(attached);
  });

  it('the dashboard pages and /api mask them', async () => {
    const dashboard = await startDashboard({ config: loadConfig({ environment: 'secrets', env }), port: 0 });
    try {
      const pages = [
        '/',
        '/api/grid',
        `/runs/${row.run_id}`,
        `/api/runs/${row.run_id}`,
        '/projects/sec_leaky',
        '/api/projects/sec_leaky',
      ];
      for (const page of pages) {
        const response = await fetch(`${dashboard.url.replace(/\/$/, '')}${page}`);
        expect(response.status, page).toBe(200);
        expectNoSecret(await response.text());
      }
    } finally {
      await dashboard.close();
    }
  });
});
