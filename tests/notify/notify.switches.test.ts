import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFixture } from '../helpers/run-fixture.js';
import { startSmtpServer, type SmtpTestServer } from '../helpers/smtp-test-server.js';
import { createTestDatabase, targetKinds, type TestDatabase } from '../helpers/test-databases.js';
import { dwh, lastRun, latestLog, SMTP_PASSWORD } from './notify-helpers.js';

const WINDOW = ['-s', '2026-11-21', '-e', '2026-11-22'];

describe.each(targetKinds)('notify: switches and skipped mails (%s)', (kind) => {
  let db: TestDatabase;
  let smtp: SmtpTestServer;

  beforeAll(async () => {
    db = await createTestDatabase(kind, 'notify-switches');
    smtp = await startSmtpServer(SMTP_PASSWORD);
  });
  afterAll(async () => {
    await smtp?.close();
    await db?.drop();
  });

  async function run(env: string, extra: string[] = [], project = 'notify_success') {
    const before = smtp.received.length;
    const cli = await dwh(db, smtp.port, ['run', project, '--env', env, ...WINDOW, ...extra]);
    return { cli, run: await lastRun(db, project), mails: smtp.received.slice(before) };
  }

  it('--no-email sends nothing and records why', async () => {
    const { cli, run: row, mails } = await run('mail', ['--no-email']);
    expect(cli.code).toBe(0);
    expect(mails).toHaveLength(0);
    expect(row.email_status).toBe('skipped: e-mail turned off for this run (--no-email)');
    expect(latestLog(db, 'notify_success')).toContain('e-mail skipped: e-mail turned off for this run');
  });

  it('an environment with email.enabled: false sends nothing', async () => {
    const { cli, run: row, mails } = await run('quiet');
    expect(cli.code).toBe(0);
    expect(mails).toHaveLength(0);
    expect(row.email_status).toBe('skipped: e-mail is disabled for environment quiet');
  });

  it('an environment without an smtp section skips the mail, naming the file', async () => {
    const { run: row, mails } = await run('no_smtp', [], 'notify_failure');
    expect(mails).toHaveLength(0);
    expect(row.status).toBe('failed');
    expect(row.email_status).toBe('skipped: no smtp section for environment no_smtp in config/dwh.yaml');
  });

  it('a project can switch its success mail off per environment (projects.<name>.email.onSuccess)', async () => {
    const { run: row, mails } = await run('muted');
    expect(mails).toHaveLength(0);
    expect(row.email_status).toBe('skipped: email.onSuccess is false for project notify_success');
  });

  it('a group switched off in the environment gets no mail; the others still do', async () => {
    const { run: row, mails } = await run('no_admin');
    expect(row.email_status).toBe('sent');
    expect(mails.map((m) => m.rcptTo)).toEqual([['business@example.com']]);
  });

  it('a failure with only business recipients left is skipped: business hears about successes only', async () => {
    const { run: row, mails } = await run('no_admin', [], 'notify_failure');
    expect(mails).toHaveLength(0);
    expect(row.email_status).toBe(
      'skipped: no recipients for a failed run (admin and error lists are empty; admin (switched off for environment no_admin))',
    );
  });

  it('runProject({ email: false }) and a home without smtp settings report the skip', async () => {
    const report = await runFixture(db, 'ordering', { email: false });
    expect(report.emailStatus).toBe('skipped: e-mail turned off for this run (--no-email)');
    const configured = await runFixture(db, 'ordering');
    expect(configured.emailStatus).toBe('skipped: no smtp section for environment local in config/dwh.yaml');
    expect((await lastRun(db, 'ordering')).email_status).toBe(configured.emailStatus);
  });
});

describe('notify: e-mail settings are validated before the run starts', () => {
  const bad = (env: string, project = 'notify_success') =>
    dwh(null, 2525, ['run', project, '--env', env, '--dry-run']);

  it('names the file, key and value of a bad port', async () => {
    const cli = await bad('bad_port');
    expect(cli.code).toBe(2);
    expect(cli.stderr).toContain(
      'dwh: error: config/dwh.yaml: environments.bad_port.smtp.port: must be a whole number (got "twenty-five")',
    );
  });

  it('names the entry of a recipient list that is not an address', async () => {
    const cli = await bad('bad_recipient');
    expect(cli.code).toBe(2);
    expect(cli.stderr).toContain(
      'config/dwh.yaml: environments.bad_recipient.recipients.admin.1: must be an e-mail address like ops@example.com (got "not an address")',
    );
  });

  it('rejects an unknown smtp key without showing the password', async () => {
    const cli = await bad('bad_key');
    expect(cli.code).toBe(2);
    expect(cli.stderr).toContain("config/dwh.yaml: environments.bad_key.smtp: unknown key(s) 'pasword_typo'");
    expect(cli.stderr).not.toContain(SMTP_PASSWORD);
  });

  it('rejects a password that is not a string without showing it', async () => {
    const cli = await bad('bad_password_type');
    expect(cli.code).toBe(2);
    expect(cli.stderr).toContain(
      'config/dwh.yaml: environments.bad_password_type.smtp: password must be text: write ${env:NAME} or ${file:local/name}',
    );
    expect(cli.stderr).not.toContain('918273645');
  });

  it("checks the addresses in a project's parameters", async () => {
    const cli = await bad('quiet', 'bad_address');
    expect(cli.code).toBe(2);
    expect(cli.stderr).toContain(
      'projects/broken/bad_address/parameters.ts: email.admin.1: must be an e-mail address like ops@example.com (got "ops at example.com")',
    );
  });
});
