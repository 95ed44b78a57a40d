import os from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closedPort, startSmtpServer, type SmtpTestServer } from '../helpers/smtp-test-server.js';
import { dwh, SMTP_PASSWORD } from './notify-helpers.js';

describe('notify: dwh email test', () => {
  let smtp: SmtpTestServer;

  beforeAll(async () => {
    smtp = await startSmtpServer(SMTP_PASSWORD);
  });
  afterAll(async () => {
    await smtp?.close();
  });

  it('sends a test message to the admin list and prints what the server said', async () => {
    const before = smtp.received.length;
    const cli = await dwh(null, smtp.port, ['email', 'test', '--env', 'mail']);
    expect(cli.stderr).toBe('');
    expect(cli.code).toBe(0);
    expect(cli.stdout).toContain(`sent "[dwh][mail] test message from ${os.hostname()}"`);
    expect(cli.stdout).toMatch(/server\s+127\.0\.0\.1:\d+ \(plain, user dwh-sender\)/);
    expect(cli.stdout).toContain('server said: 250 OK: queued as test-1');
    const [mail] = smtp.received.slice(before);
    expect(mail!.rcptTo).toEqual(['admin@example.com', 'ops@example.com']);
    expect(mail!.parsed.text).toContain('the SMTP settings work');
    expect(cli.stdout + mail!.raw).not.toContain(SMTP_PASSWORD);
  });

  it('--to replaces the admin list', async () => {
    const before = smtp.received.length;
    const cli = await dwh(null, smtp.port, ['email', 'test', '--env', 'mail', '--to', 'me@example.com']);
    expect(cli.code).toBe(0);
    expect(smtp.received.slice(before).map((m) => m.rcptTo)).toEqual([['me@example.com']]);
  });

  it('upgrades the connection with STARTTLS when the environment requires it', async () => {
    const before = smtp.received.length;
    const cli = await dwh(null, smtp.port, ['email', 'test', '--env', 'mail_starttls']);
    expect(cli.code).toBe(0);
    expect(cli.stdout).toMatch(/STARTTLS required, user dwh-sender/);
    expect(smtp.received.slice(before).map((m) => m.secure)).toEqual([true]);
  });

  it('exits 1 with a clear message when the server is down', async () => {
    const port = await closedPort();
    const cli = await dwh(null, port, ['email', 'test', '--env', 'mail']);
    expect(cli.code).toBe(1);
    expect(cli.stderr).toMatch(
      new RegExp(
        `dwh: error: e-mail test failed: smtp 127\\.0\\.0\\.1:${port}: .*ECONNREFUSED.* \\(2 attempts\\)`,
      ),
    );
    expect(cli.stderr).not.toContain(SMTP_PASSWORD);
  });

  it('exits 2 when the environment has no smtp section', async () => {
    const cli = await dwh(null, smtp.port, ['email', 'test', '--env', 'no_smtp']);
    expect(cli.code).toBe(2);
    expect(cli.stderr).toContain('dwh: error: config/dwh.yaml: environments.no_smtp.smtp: is missing');
  });

  it('exits 2 for a --to that is not an address', async () => {
    const cli = await dwh(null, smtp.port, ['email', 'test', '--env', 'mail', '--to', 'nobody']);
    expect(cli.code).toBe(2);
    expect(cli.stderr).toContain("dwh: error: --to: 'nobody' is not an e-mail address");
  });
});
