import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closedPort, startSmtpServer, type SmtpBehaviour } from '../helpers/smtp-test-server.js';
import { createTestDatabase, targetKinds, type TestDatabase } from '../helpers/test-databases.js';
import { dwh, lastRun, latestLog, SMTP_PASSWORD } from './notify-helpers.js';

const WINDOW = ['-s', '2026-11-21', '-e', '2026-11-22'];

/**
 * A broken mail server never changes a run: its status and exit code stay what the tasks made them, the
 * failure is logged and recorded in etl_runs.email_status, and the SMTP password shows up nowhere.
 */
describe.each(targetKinds)('notify: SMTP down, refusing or slow (%s)', (kind) => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase(kind, 'notify-smtp-failures');
  });
  afterAll(async () => {
    await db?.drop();
  });

  async function runAgainst(
    behaviour: SmtpBehaviour | 'down',
    project: string,
    options: { env?: string; password?: string } = {},
  ) {
    const server =
      behaviour === 'down' ? null : await startSmtpServer(options.password ?? SMTP_PASSWORD, behaviour);
    const port = server?.port ?? (await closedPort());
    try {
      const started = Date.now();
      const cli = await dwh(db, port, ['run', project, '--env', options.env ?? 'mail', ...WINDOW]);
      const elapsedMs = Date.now() - started;
      const run = await lastRun(db, project);
      const log = latestLog(db, project);
      for (const text of [cli.stdout, cli.stderr, log, run.email_status ?? '']) {
        expect(text).not.toContain(SMTP_PASSWORD);
      }
      return { cli, run, log, elapsedMs, server };
    } finally {
      await server?.close();
    }
  }

  it('server down: the run still succeeds; the failure is retried, logged and recorded', async () => {
    const { cli, run, log } = await runAgainst('down', 'notify_success');
    expect(cli.code).toBe(0);
    expect(run.status).toBe('success');
    expect(run.email_status).toMatch(/^failed: smtp 127\.0\.0\.1:\d+: .*ECONNREFUSED.* \(2 attempts\)$/);
    expect(log).toMatch(
      /e-mail attempt 1 of 2 via 127\.0\.0\.1:\d+ failed: .*ECONNREFUSED.*; retrying in 50 ms/,
    );
    expect(log).toMatch(/e-mail not sent: smtp 127\.0\.0\.1:\d+: .*ECONNREFUSED/);
    expect(cli.stdout).toMatch(/run \d+: SUCCESS/);
  });

  it('recipients refused (550): the failed run keeps exit code 1; a permanent refusal is not retried', async () => {
    const { cli, run, server } = await runAgainst(
      { kind: 'reject-rcpt', code: 550, message: 'mailbox unavailable' },
      'notify_failure',
    );
    expect(cli.code).toBe(1);
    expect(run.status).toBe('failed');
    expect(run.error_message).toMatch(/^task 'load_orders': source <orders> is down/);
    expect(run.email_status).toMatch(
      /^failed: smtp 127\.0\.0\.1:\d+: Can't send mail - all recipients were rejected: 550 mailbox unavailable \(1 attempt, permanent\)$/,
    );
    expect(server!.rcptAttempts).toBe(3);
    expect(server!.dataAttempts).toBe(0);
  });

  it('one recipient refused: the others get the mail and email_status names the refused one', async () => {
    const { cli, run, server } = await runAgainst(
      { kind: 'reject-rcpt', code: 550, message: 'no such user', only: 'business@example.com' },
      'notify_success',
    );
    expect(cli.code).toBe(0);
    expect(run.email_status).toBe('sent; rejected by the server: business@example.com');
    expect(server!.received.map((m) => m.rcptTo.sort())).toEqual([['admin@example.com', 'ops@example.com']]);
  });

  it('message refused at DATA (554): the run still succeeds, email_status says why', async () => {
    const { cli, run, server } = await runAgainst(
      { kind: 'reject-data', code: 554, message: 'message rejected as spam' },
      'notify_success',
    );
    expect(cli.code).toBe(0);
    expect(run.status).toBe('success');
    expect(run.email_status).toMatch(
      /^failed: smtp 127\.0\.0\.1:\d+: .*554 message rejected as spam \(1 attempt, permanent\)$/,
    );
    expect(server!.dataAttempts).toBe(1);
  });

  it('a transient refusal (451) is retried, up to retries + 1 attempts', async () => {
    const { cli, run, server } = await runAgainst(
      { kind: 'reject-data', code: 451, message: 'try again later' },
      'notify_success',
    );
    expect(cli.code).toBe(0);
    expect(run.email_status).toMatch(/451 try again later \(2 attempts\)$/);
    expect(server!.dataAttempts).toBe(2);
  });

  it('slow server: each attempt gives up after timeoutMs; the run is unchanged', async () => {
    const { cli, run, log, server } = await runAgainst({ kind: 'slow', delayMs: 8000 }, 'notify_success', {
      env: 'mail_short_timeout',
    });
    expect(cli.code).toBe(0);
    expect(run.status).toBe('success');
    expect(run.email_status).toMatch(
      /^failed: smtp 127\.0\.0\.1:\d+: timed out after 600 ms \(2 attempts\)$/,
    );
    expect(server!.dataAttempts).toBe(2);
    expect(log).toMatch(/e-mail attempt 1 of 2 .* failed: timed out after 600 ms/);
    // the mail phase (end of the run → giving up) took two 600 ms attempts, not the server's 8 s
    const records = log
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { time: number; msg: string });
    const ended = records.find((r) => /^run \d+ success/.test(r.msg))!.time;
    const gaveUp = records.find((r) => r.msg.startsWith('e-mail not sent'))!.time;
    expect(gaveUp - ended).toBeGreaterThanOrEqual(1200);
    expect(gaveUp - ended).toBeLessThan(7000);
  });

  it('login refused (535): recorded without the password, not retried', async () => {
    const { cli, run, server } = await runAgainst({ kind: 'accept' }, 'notify_success', {
      password: 'the-server-expects-another-one',
    });
    expect(cli.code).toBe(0);
    expect(run.status).toBe('success');
    expect(run.email_status).toMatch(
      /^failed: smtp 127\.0\.0\.1:\d+: Invalid login: 535 .*\(1 attempt, permanent\)$/,
    );
    expect(server!.received).toHaveLength(0);
  });
});
