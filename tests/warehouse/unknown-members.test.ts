import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { auditOf, runFixture } from '../helpers/run-fixture.js';
import { startSmtpServer, type SmtpTestServer } from '../helpers/smtp-test-server.js';
import { createTestDatabase, targetKinds, type TestDatabase } from '../helpers/test-databases.js';
import { dwh, latestLog, SMTP_PASSWORD } from '../notify/notify-helpers.js';

const WARNING = '1 of 4 row(s) of wmu_fact_orders (25%) have no member in wmu_dim_customer: key -1';

describe.each(targetKinds)('warehouse: facts pointing at the unknown member (%s)', (kind) => {
  let db: TestDatabase;
  let smtp: SmtpTestServer | undefined;
  beforeEach(async () => {
    db = await createTestDatabase(kind, 'unknown-members');
  });
  afterEach(async () => {
    await smtp?.close();
    smtp = undefined;
    await db.drop();
  });

  it('a full load against a dimension built in the same run maps facts to the first versions and shows the share of -1 in the log, the summary and the e-mail', async () => {
    smtp = await startSmtpServer(SMTP_PASSWORD);
    const cli = await dwh(db, smtp.port, [
      'run',
      'wh_mail_unknown',
      '--env',
      'mail',
      '-s',
      '2026-11-21',
      '-e',
      '2026-11-22',
    ]);
    expect(cli.code, cli.stderr).toBe(0);

    const w = await db.open();
    try {
      const facts = await w.query<{ order_id: number; segment: string | null; customer_key: number }>(
        `select f.order_id, c.segment, f.customer_key::int as customer_key
         from wmu_fact_orders f join wmu_dim_customer c using (customer_key) order by order_id`,
      );
      // the dimension's versions start at the window end (2026-11-22), after every fact
      expect(facts.map((f) => [f.order_id, f.segment])).toEqual([
        [10, 'retail'],
        [11, 'vip'],
        [12, 'retail'],
        [13, null],
      ]);
      expect(facts.at(-1)!.customer_key).toBe(-1);
    } finally {
      await w.close();
    }

    expect(latestLog(db, 'wh_mail_unknown')).toContain(WARNING);
    expect(cli.stdout).toMatch(
      /fact_orders\s+success[^\n]*\n\s+warning: 1 of 4 row\(s\) of wmu_fact_orders \(25%\)/,
    );
    const mail = smtp.received[0]!;
    expect(mail.parsed.text).toContain(`Warnings\n\n[fact_orders] ${WARNING}`);
    expect(mail.parsed.html).toMatch(
      /<ul data-section="warnings">\s*<li><b>fact_orders<\/b>: 1 of 4 row\(s\) of wmu_fact_orders \(25%\)/,
    );
  });

  it('a share of -1 above maxUnknownRatio fails the task once, without retries, and writes no fact', async () => {
    const report = await runFixture(db, 'wh_unknown_limit', {
      startDate: new Date('2026-11-21T00:00:00Z'),
      endDate: new Date('2026-11-22T00:00:00Z'),
    });
    expect(report.status).toBe('failed');
    const { run, attempts } = await auditOf(db, report.runId!);
    expect(attempts.filter((a) => a.task_name === 'fact_orders').map((a) => a.status)).toEqual(['failed']);
    expect(run.error_message).toBe(
      "task 'fact_orders': 1 of 4 row(s) of wul_fact_orders (25%) have no member in wul_dim_customer: " +
        'more than maxUnknownRatio 0.2 allows; nothing was written',
    );
    expect(readFileSync(report.logFile!, 'utf8')).toContain('failed after 1 attempt(s)');
    const w = await db.open();
    try {
      // the transaction that would have created the fact was rolled back with it
      expect(await w.query(`select to_regclass('wul_fact_orders')::text as t`)).toEqual([{ t: null }]);
    } finally {
      await w.close();
    }
  });
});
