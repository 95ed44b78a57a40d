import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunRow } from '../../src/audit/run-store.js';
import type { CliResult } from '../helpers/cli.js';
import {
  startSmtpServer,
  SMTP_USER,
  type ReceivedMail,
  type SmtpTestServer,
} from '../helpers/smtp-test-server.js';
import { createTestDatabase, targetKinds, type TestDatabase } from '../helpers/test-databases.js';
import { dwh, lastRun, latestLog, SMTP_PASSWORD } from './notify-helpers.js';

const WINDOW = ['-s', '2026-11-21', '-e', '2026-11-22'];

/** The task table of the HTML body as rows of cell texts. */
function taskTable(html: string): string[][] {
  const table = /<table[^>]*data-section="tasks">([\s\S]*?)<\/table>/.exec(html)?.[1] ?? '';
  return [...table.matchAll(/<tr>([\s\S]*?)<\/tr>/g)]
    .slice(1)
    .map((row) =>
      [...row[1]!.matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((cell) => cell[1]!.replace(/<[^>]+>/g, '')),
    );
}

describe.each(targetKinds)('notify: run e-mails through a real SMTP server (%s)', (kind) => {
  let db: TestDatabase;
  let smtp: SmtpTestServer;
  const mails = new Map<
    string,
    { cli: CliResult; mail: ReceivedMail | undefined; run: RunRow; log: string }
  >();

  async function runAndReceive(project: string, extra: string[] = []) {
    const before = smtp.received.length;
    const cli = await dwh(db, smtp.port, ['run', project, '--env', 'mail', ...WINDOW, ...extra]);
    const outcome = {
      cli,
      mail: smtp.received.slice(before)[0],
      run: await lastRun(db, project),
      log: latestLog(db, project),
    };
    mails.set(project, outcome);
    return outcome;
  }

  beforeAll(async () => {
    db = await createTestDatabase(kind, 'notify-run-mail');
    smtp = await startSmtpServer(SMTP_PASSWORD);
    await runAndReceive('notify_success');
    await runAndReceive('notify_failure');
    await runAndReceive('notify_upstream');
  });
  afterAll(async () => {
    await smtp?.close();
    await db?.drop();
  });

  describe('success', () => {
    it('sends one mail to the business and admin lists, logged in with the configured user', () => {
      const { cli, mail, run } = mails.get('notify_success')!;
      expect(cli.code).toBe(0);
      expect(run.status).toBe('success');
      expect(run.email_status).toBe('sent');
      expect(mail).toBeDefined();
      expect(mail!.user).toBe(SMTP_USER);
      expect(mail!.rcptTo.sort()).toEqual(['admin@example.com', 'business@example.com', 'ops@example.com']);
      expect(mail!.parsed.from?.address).toBe('dwh@example.com');
      expect(mail!.parsed.attachments).toHaveLength(0);
    });

    it('has the subject [dwh][env] SUCCESS project window (rows)', () => {
      const { mail } = mails.get('notify_success')!;
      expect(mail!.parsed.subject).toBe(
        '[dwh][mail] SUCCESS notify_success 2026-11-21 → 2026-11-22 (12,345 rows)',
      );
    });

    it('lists every task with status, attempts, records and error in the HTML and text bodies', () => {
      const { mail } = mails.get('notify_success')!;
      const rows = taskTable(mail!.parsed.html!);
      expect(rows.map((r) => [r[0], r[1], r[2], r[4], r[5]])).toEqual([
        ['extract_orders', 'success', '1', '12,000', ''],
        ['extract_returns', 'success', '1', '345', ''],
        ['archive', 'disabled', '0', '0', ''],
        ['publish', 'success', '1', '0', ''],
      ]);
      expect(mail!.parsed.text).toMatch(/^extract_orders\s+success\s+1\s+\d+\.\d\d s\s+12,000$/m);
      expect(mail!.parsed.text).toMatch(/^archive\s+disabled\s+0\s+—\s+0$/m);
    });

    it('gives the general information of the run', () => {
      const { mail, run } = mails.get('notify_success')!;
      const text = mail!.parsed.text!;
      expect(text).toMatch(/^Project\s+notify\/notify_success$/m);
      expect(text).toMatch(/^Environment\s+mail$/m);
      expect(text).toMatch(/^Version\s+2\.1\.0/m);
      expect(text).toMatch(new RegExp(`^Run id\\s+${run.run_id}$`, 'm'));
      expect(text).toMatch(/^Load type\s+I \(incremental\)$/m);
      expect(text).toMatch(/^Window\s+2026-11-21 → 2026-11-22$/m);
      expect(text).toMatch(/^Previous max date\s+—$/m);
      expect(text).toMatch(/^Data min date\s+2026-11-21 00:05:00 UTC$/m);
      expect(text).toMatch(/^Data max date\s+2026-11-21 23:55:00 UTC$/m);
      expect(text).toMatch(/^Records\s+12,345$/m);
      expect(text).toMatch(/^Target\s+warehouse sales\.daily_orders$/m);
      expect(text).toMatch(/^Duration\s+\d+\.\d\d s$/m);
      expect(text).toMatch(new RegExp(`^Host\\s+${run.host}$`, 'm'));
    });

    it('ends with the tail of the run log, escaped in HTML', () => {
      const { mail, run } = mails.get('notify_success')!;
      expect(mail!.parsed.text).toContain('Last 20 log lines');
      expect(mail!.parsed.text).toContain('[extract_orders] read orders from <source> & "staging"');
      expect(mail!.parsed.text).toContain(`run ${run.run_id} success: 12345 records`);
      expect(mail!.parsed.html).toContain('read orders from &lt;source&gt; &amp; &quot;staging&quot;');
      expect(mail!.parsed.html).not.toContain('<source>');
    });

    it('logs where the mail went and what the server said', () => {
      const { log } = mails.get('notify_success')!;
      expect(log).toMatch(
        /e-mail sent to .*admin@example\.com.* via 127\.0\.0\.1:\d+ \(attempt 1\): 250 OK: queued as test-1/,
      );
    });
  });

  describe('failure', () => {
    it('sends to the admin and error lists, each address once', () => {
      const { cli, mail, run } = mails.get('notify_failure')!;
      expect(cli.code).toBe(1);
      expect(run.status).toBe('failed');
      expect(run.email_status).toBe('sent');
      expect(mail!.rcptTo.sort()).toEqual(['admin@example.com', 'oncall@example.com', 'ops@example.com']);
    });

    it('names the failure in the subject', () => {
      const { mail } = mails.get('notify_failure')!;
      expect(mail!.parsed.subject).toBe(
        '[dwh][mail] FAILED notify_failure 2026-11-21 → 2026-11-22 (10 rows): task \'load_orders\': source <orders> is down & "unreachable"',
      );
    });

    it('shows both attempts of the failed task and its error in the table', () => {
      const { mail } = mails.get('notify_failure')!;
      const rows = taskTable(mail!.parsed.html!);
      expect(rows.map((r) => [r[0], r[1], r[2], r[5]])).toEqual([
        ['prepare', 'success', '1', ''],
        ['load_orders', 'failed', '2', 'source &lt;orders&gt; is down &amp; &quot;unreachable&quot;'],
      ]);
    });

    it('includes the error with its stack, escaped in HTML', () => {
      const { mail } = mails.get('notify_failure')!;
      const text = mail!.parsed.text!;
      expect(text).toContain('Error in task load_orders');
      expect(text).toMatch(/Error: source <orders> is down & "unreachable"\n\s+at loadOrdersFromSource/);
      expect(mail!.parsed.html).toContain(
        'Error: source &lt;orders&gt; is down &amp; &quot;unreachable&quot;',
      );
      expect(mail!.parsed.html).toMatch(/at loadOrdersFromSource/);
    });

    it("includes the project's shorter log tail with the retry, and the whole log as attachment", () => {
      const { mail, run } = mails.get('notify_failure')!;
      expect(mail!.parsed.text).toContain('Last 6 log lines');
      expect(mail!.parsed.text).not.toMatch(/run \d+ started/);
      const [attachment] = mail!.parsed.attachments;
      expect(attachment!.filename).toBe(`notify_failure_run_${run.run_id}.log`);
      const attached =
        typeof attachment!.content === 'string'
          ? attachment!.content
          : new TextDecoder().decode(attachment!.content);
      expect(attached).toMatch(new RegExp(`INFO  run ${run.run_id} started: notify/notify_failure`));
      expect(attached).toMatch(/ERROR \[load_orders\] failed after 2 attempt\(s\)/);
      expect(mail!.parsed.text).toMatch(/WARN\s+\[load_orders\] connecting to the source, attempt 2/);
      expect(mail!.parsed.text).toMatch(/ERROR\s+\[load_orders\] failed after 2 attempt\(s\)/);
    });
  });

  describe('upstream_failed', () => {
    it("uses the project's own error list instead of the environment's", () => {
      const { cli, mail, run } = mails.get('notify_upstream')!;
      expect(cli.code).toBe(1);
      expect(run.email_status).toBe('sent');
      expect(mail!.rcptTo.sort()).toEqual([
        'admin@example.com',
        'ops@example.com',
        'stock-owner@example.com',
      ]);
    });

    it('marks the dependents upstream_failed in the table, with the task they waited for', () => {
      const { mail } = mails.get('notify_upstream')!;
      expect(mail!.parsed.subject).toBe(
        "[dwh][mail] FAILED notify_upstream 2026-11-21 → 2026-11-22 (0 rows): task 'extract_stock': connection reset by the stock API",
      );
      const rows = taskTable(mail!.parsed.html!);
      expect(rows.map((r) => [r[0], r[1], r[2], r[5]])).toEqual([
        ['extract_stock', 'failed', '1', 'connection reset by the stock API'],
        ['transform_stock', 'upstream_failed', '0', 'upstream task(s) did not succeed: extract_stock'],
        ['load_stock', 'upstream_failed', '0', 'upstream task(s) did not succeed: transform_stock'],
      ]);
      expect(mail!.parsed.text).toContain('Error in task extract_stock');
      expect(mail!.parsed.text).not.toContain('Error in task transform_stock');
    });
  });

  it('never shows the SMTP password: not in the mails, the logs or the console', () => {
    for (const { cli, mail, log } of mails.values()) {
      for (const text of [cli.stdout, cli.stderr, log, mail!.raw]) expect(text).not.toContain(SMTP_PASSWORD);
    }
  });
});
