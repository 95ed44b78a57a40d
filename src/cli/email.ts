import type { Command } from 'commander';
import { envOption } from './env-option.js';

export function registerEmail(program: Command): void {
  const email = program
    .command('email')
    .description('e-mail notifications: check the SMTP settings of an environment');
  email
    .command('test')
    .description("send a test message to the environment's admin list and show what the server said")
    .addOption(envOption())
    .option('--to <addresses>', 'comma-separated recipients instead of the admin list')
    .addHelpText(
      'after',
      `
Examples:
  dwh email test --env prod
  dwh email test --env prod --to me@example.com

Exit codes: 0 the server accepted the message, 1 it could not be sent, 2 bad configuration.`,
    )
    .action(async (options: { env?: string; to?: string }) => {
      const [{ loadConfig }, { sendTestEmail }, { EmailSendError }] = await Promise.all([
        import('../core/config.js'),
        import('../notify/test-email.js'),
        import('../notify/smtp-send.js'),
      ]);
      const config = loadConfig(options.env ? { environment: options.env } : {});
      const to = options.to
        ?.split(',')
        .map((item) => item.trim())
        .filter(Boolean);
      const say = (line: string) => process.stdout.write(`${line}\n`);
      try {
        const report = await sendTestEmail(config, {
          ...(to ? { to } : {}),
          log: { warn: (message) => process.stderr.write(`dwh: ${message}\n`) },
        });
        say(`sent "${report.subject}"`);
        say(`  server     ${report.server}`);
        say(`  accepted   ${report.receipt.accepted.join(', ') || '(none)'}`);
        if (report.receipt.rejected.length) say(`  rejected   ${report.receipt.rejected.join(', ')}`);
        say(`  attempts   ${report.receipt.attempts}`);
        say(`  server said: ${report.receipt.response}`);
        if (report.note) say(`note: ${report.note}`);
      } catch (error) {
        if (error instanceof EmailSendError) {
          throw new EmailSendError(
            `e-mail test failed: ${error.message}`,
            error.server,
            error.attempts,
            error.permanent,
            error,
          );
        }
        throw error;
      }
    });
}
