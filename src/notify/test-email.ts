import os from 'node:os';
import type { ResolvedConfig } from '../core/config.js';
import { ConfigError, UsageError } from '../core/errors.js';
import { bareAddress } from '../core/email-address.js';
import { describeSmtp, loadEmailSettings } from './email-settings.js';
import { html } from '../present/html.js';
import { formatInstant } from '../present/instants.js';
import { textTableLines } from '../present/text-table.js';
import { sendEmail, type SendReceipt } from './smtp-send.js';

export interface TestEmailReport {
  server: string;
  to: string[];
  subject: string;
  receipt: SendReceipt;
  /** Set when runs of this environment send no mail although the test did. */
  note: string | null;
}

/**
 * `dwh email test`: sends a short message to the environment's admin list (or `to`) through its smtp settings
 * and returns what the server said. Throws ConfigError/UsageError for settings that cannot work and
 * EmailSendError when the server cannot be reached or refuses.
 */
export async function sendTestEmail(
  config: ResolvedConfig,
  options: { to?: string[]; log?: { warn(message: string): void } } = {},
): Promise<TestEmailReport> {
  const settings = loadEmailSettings(config);
  if (!settings.smtp) {
    throw new ConfigError(
      settings.file,
      `environments.${settings.environment}.smtp`,
      undefined,
      'is missing: add host, port and credentials to send e-mail',
    );
  }
  const bad = options.to?.find((address) => bareAddress(address) === null);
  if (bad !== undefined) throw new UsageError(`--to: '${bad}' is not an e-mail address`);
  const to = options.to?.length ? options.to : settings.recipients.admin;
  if (to.length === 0) {
    throw new UsageError(
      `no recipients: environments.${settings.environment}.recipients.admin in ${settings.file} is empty; add addresses or pass --to`,
    );
  }
  const server = describeSmtp(settings.smtp);
  const sentAt = new Date();
  const subject = `[dwh][${settings.environment}] test message from ${os.hostname()}`;
  const lines = [
    'This is a test message from dwh: the SMTP settings work.',
    '',
    ...textTableLines(
      [
        { label: 'Environment', value: settings.environment },
        { label: 'Server', value: server },
        { label: 'Sender', value: settings.smtp.from },
        { label: 'Host', value: os.hostname() },
        { label: 'Sent at', value: formatInstant(sentAt) },
      ],
      { header: false },
    ),
  ];
  const receipt = await sendEmail(
    settings.smtp,
    {
      to,
      subject,
      text: `${lines.join('\n')}\n`,
      html: html`<pre>${lines.join('\n')}</pre>`.value,
    },
    options.log ? { log: options.log } : {},
  );
  const note = settings.switches.enabled
    ? null
    : `e-mail is disabled for environment ${settings.environment} (email.enabled: false): runs send no mail`;
  return { server, to, subject, receipt, note };
}
