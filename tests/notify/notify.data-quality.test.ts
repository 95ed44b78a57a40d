import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunRow } from '../../src/audit/run-store.js';
import { startSmtpServer, type ReceivedMail, type SmtpTestServer } from '../helpers/smtp-test-server.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-databases.js';
import { dwh, lastRun, SMTP_PASSWORD } from './notify-helpers.js';

describe('notify: data quality results in the run e-mail', () => {
  let db: TestDatabase;
  let smtp: SmtpTestServer;
  let mail: ReceivedMail;
  let run: RunRow;

  beforeAll(async () => {
    db = await createTestDatabase('embedded', 'notify-dq');
    smtp = await startSmtpServer(SMTP_PASSWORD);
    const cli = await dwh(db, smtp.port, [
      'run',
      'notify_checks',
      '--env',
      'mail',
      '-s',
      '2026-11-21',
      '-e',
      '2026-11-22',
    ]);
    expect(cli.code, cli.stderr).toBe(1);
    mail = smtp.received[0]!;
    run = await lastRun(db, 'notify_checks');
  });
  afterAll(async () => {
    await smtp?.close();
    await db?.drop();
  });

  it('fails the run on the blocking check and says so in the subject', () => {
    expect(run.status).toBe('failed');
    expect(mail.parsed.subject).toMatch(/^\[dwh\]\[mail\] FAILED notify_checks .*: task 'checks': /);
  });

  it('counts the checks and lists the ones that did not pass, in the text body', () => {
    expect(mail.parsed.text).toContain('Data quality');
    expect(mail.parsed.text).toContain('3 check(s): 1 passed, 2 did not pass');
    expect(mail.parsed.text).toMatch(/customer e-mail present\s+warn\s+warn\s+nc_customers\s+1\b/);
    expect(mail.parsed.text).toMatch(/customer id unique\s+fail\s+error\s+nc_customers\s+1\b/);
  });

  it('shows the same rows in an HTML table, escaped', () => {
    const table = /<table[^>]*data-section="checks">([\s\S]*?)<\/table>/.exec(mail.parsed.html!)?.[1] ?? '';
    const rows = [...table.matchAll(/<tr>([\s\S]*?)<\/tr>/g)]
      .slice(1)
      .map((row) =>
        [...row[1]!.matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((cell) => cell[1]!.replace(/<[^>]+>/g, '')),
      );
    expect(rows.map((r) => r.slice(0, 4))).toEqual([
      ['customer e-mail present', 'warn', 'warn', 'nc_customers'],
      ['customer id unique', 'fail', 'error', 'nc_customers'],
    ]);
    expect(mail.parsed.html!).not.toContain('<b>@example.com');
  });
});

describe('notify: the checks of a retried task in the run e-mail', () => {
  let db: TestDatabase;
  let smtp: SmtpTestServer;
  let mail: ReceivedMail;

  beforeAll(async () => {
    db = await createTestDatabase('pglite', 'notify-dq-retry');
    smtp = await startSmtpServer(SMTP_PASSWORD);
    const cli = await dwh(db, smtp.port, [
      'run',
      'notify_retry_checks',
      '--env',
      'mail',
      '-s',
      '2026-11-21',
      '-e',
      '2026-11-22',
    ]);
    expect(cli.code, cli.stderr).toBe(1);
    mail = smtp.received[0]!;
  });
  afterAll(async () => {
    await smtp?.close();
    await db?.drop();
  });

  it('counts each check once, from the last attempt, and names that attempt', () => {
    expect(mail.parsed.text).toContain(
      '2 check(s) (results of the last attempt: checks #2): 1 passed, 1 did not pass',
    );
    expect(mail.parsed.text).toMatch(/order amount present\s+warn\s+warn\s+nr_orders\s+1\s+.*checks #2/);
    expect(mail.parsed.text).not.toContain('checks #1');
    expect(mail.parsed.html).toMatch(/>checks #2<\/td>/);
    expect(mail.parsed.html).toContain('2 check(s) (results of the last attempt: checks #2)');
  });
});
