import type { Logger } from 'pino';
import { DwhError, EXIT, errorMessage } from '../core/errors.js';
import { redactText } from '../logging/redact.js';
import { describeSmtp, type SmtpSettings } from './email-settings.js';

export interface OutgoingEmail {
  to: string[];
  subject: string;
  text: string;
  html?: string;
  attachments?: { filename: string; content: string; contentType?: string }[];
}

/** What the server said about a delivered message. */
export interface SendReceipt {
  /** The server's final reply, e.g. "250 OK: queued as 12345". */
  response: string;
  accepted: string[];
  rejected: string[];
  messageId: string;
  attempts: number;
}

/**
 * Sending failed for good: after the last attempt, or at once for a permanent rejection. A task that sends
 * mail and fails with it is retried as the SMTP failure (its cause) says.
 */
export class EmailSendError extends DwhError {
  constructor(
    message: string,
    readonly server: string,
    readonly attempts: number,
    readonly permanent: boolean,
    cause: unknown,
  ) {
    super('EMAIL', message, { cause, exitCode: EXIT.runFailed, retryable: undefined });
  }
}

export interface SendOptions {
  log?: Pick<Logger, 'warn'>;
  sleep?: (ms: number) => Promise<void>;
}

/** Nodemailer error fields this module reads. */
interface SmtpFailure {
  code?: string;
  responseCode?: number;
  permanent?: boolean;
  name?: string;
}

/**
 * Sends one message over SMTP. Each attempt has `timeoutMs` for everything (connect, greeting, TLS, AUTH,
 * delivery) and gets a fresh connection. Failures that may pass — no connection, a timeout, a 4xx reply —
 * are retried up to `retries` times after `retryDelayMs`; a permanent 5xx rejection or a failed login is not,
 * since the same message would be refused again. A timed-out attempt may still have been delivered, so a
 * retry can duplicate a mail: preferred to losing it.
 */
export async function sendEmail(
  smtp: SmtpSettings,
  mail: OutgoingEmail,
  options: SendOptions = {},
): Promise<SendReceipt> {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const server = describeSmtp(smtp);
  for (let attempt = 1; ; attempt++) {
    try {
      const info = await sendOnce(smtp, mail);
      return {
        response: redactText(String(info.response ?? '')),
        accepted: addresses(info.accepted),
        rejected: addresses(info.rejected),
        messageId: String(info.messageId ?? ''),
        attempts: attempt,
      };
    } catch (thrown) {
      const failure = (thrown ?? {}) as SmtpFailure;
      const reason = describeFailure(thrown, smtp);
      const permanent = isPermanent(failure);
      if (permanent || attempt > smtp.retries) {
        const tries = `${attempt} attempt${attempt === 1 ? '' : 's'}`;
        throw new EmailSendError(
          `smtp ${smtp.host}:${smtp.port}: ${reason} (${tries}${permanent ? ', permanent' : ''})`,
          server,
          attempt,
          permanent,
          thrown,
        );
      }
      options.log?.warn(
        `e-mail attempt ${attempt} of ${smtp.retries + 1} via ${smtp.host}:${smtp.port} failed: ${reason}; ` +
          `retrying in ${smtp.retryDelayMs} ms`,
      );
      await sleep(smtp.retryDelayMs);
    }
  }
}

async function sendOnce(smtp: SmtpSettings, mail: OutgoingEmail) {
  // imported here, not at the top: `import 'dwh'` in every project file should not load the mail library
  const { default: nodemailer } = await import('nodemailer');
  const transport = nodemailer.createTransport({
    host: smtp.host,
    port: smtp.port,
    secure: smtp.secure,
    requireTLS: smtp.starttls === 'required',
    ignoreTLS: smtp.starttls === 'off',
    ...(smtp.user ? { auth: { user: smtp.user, pass: smtp.password ?? '' } } : {}),
    tls: { rejectUnauthorized: smtp.rejectUnauthorized },
    connectionTimeout: smtp.timeoutMs,
    greetingTimeout: smtp.timeoutMs,
    socketTimeout: smtp.timeoutMs,
    // an abandoned attempt must not keep the process alive waiting for the server to hang up
    socketCloseTimeout: 1000,
    logger: false,
    debug: false,
  });
  try {
    return await transport.sendMail({
      from: smtp.from,
      to: mail.to,
      subject: mail.subject,
      text: mail.text,
      ...(mail.html ? { html: mail.html } : {}),
      ...(mail.attachments ? { attachments: mail.attachments } : {}),
      signal: AbortSignal.timeout(smtp.timeoutMs),
    });
  } finally {
    transport.close();
  }
}

function isPermanent(failure: SmtpFailure): boolean {
  if (failure.code === 'EAUTH' || failure.code === 'ECONFIG' || failure.code === 'ENOAUTH') return true;
  if (typeof failure.permanent === 'boolean') return failure.permanent;
  const code = failure.responseCode;
  return typeof code === 'number' && code >= 500 && code < 600 && code !== 503;
}

/** A one-line reason without secrets: the server's reply when there is one. */
function describeFailure(thrown: unknown, smtp: SmtpSettings): string {
  const failure = (thrown ?? {}) as SmtpFailure;
  if (failure.name === 'AbortError' || failure.code === 'EABORT') {
    return `timed out after ${smtp.timeoutMs} ms`;
  }
  return redactText(errorMessage(thrown).replace(/\s+/g, ' ').trim());
}

function addresses(list: unknown): string[] {
  if (!Array.isArray(list)) return [];
  return list.map((item: unknown) =>
    typeof item === 'string' ? item : String((item as { address?: string }).address ?? ''),
  );
}
