import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import type { ResolvedConfig } from '../core/config.js';
import { zodToConfigError } from '../core/zod-error.js';
import { registerSecret } from '../logging/redact.js';
import { bareAddress, emailAddressSchema, emailListSchema } from '../core/email-address.js';

/** Recipient groups: business gets success mails, admin gets every mail, error gets failure mails. */
export type RecipientGroup = 'business' | 'admin' | 'error';

// `${env:…}` references resolve to strings, so numbers and flags also accept their text form
const integer = (min: number, max: number) =>
  z.preprocess(
    (value) => (typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : value),
    z.number('must be a whole number').int('must be a whole number').min(min).max(max),
  );
const flag = z.preprocess(
  (value) => (value === 'true' ? true : value === 'false' ? false : value),
  z.boolean('must be true or false'),
);

/** `smtp:` of an environment in config/dwh.yaml. */
const smtpSchema = z
  .object({
    host: z.string().min(1, 'must not be empty'),
    /** (Default: 465 when `secure`, else 587) */
    port: integer(1, 65_535).optional(),
    /** TLS from the first byte (SMTPS, usually port 465). (Default: false) */
    secure: flag.default(false),
    /** Upgrade a plain connection with STARTTLS: required | opportunistic | off. (Default: opportunistic) */
    starttls: z.enum(['required', 'opportunistic', 'off']).default('opportunistic'),
    user: z.string().min(1, 'must not be empty').optional(),
    /** Write `${env:NAME}` or `${file:local/name}`, never the password itself. */
    password: z
      .string('must be text: write ${env:NAME} or ${file:local/name}')
      .min(1, 'must not be empty')
      .optional(),
    /** Sender address. (Default: `user` when it is an address, else dwh@<host name>) */
    from: emailAddressSchema.optional(),
    /** Check the server's certificate. (Default: true) */
    rejectUnauthorized: flag.default(true),
    /** Time allowed for one attempt: connect, greeting, authentication and delivery. (Default: 20000) */
    timeoutMs: integer(50, 600_000).default(20_000),
    /** Extra attempts after a failure that may pass (connection, timeout, 4xx reply). (Default: 2) */
    retries: integer(0, 10).default(2),
    /** Wait before each retry. (Default: 2000) */
    retryDelayMs: integer(0, 600_000).default(2000),
  })
  .strict()
  .superRefine((smtp, ctx) => {
    if (smtp.password !== undefined && smtp.user === undefined) {
      ctx.addIssue({ code: 'custom', path: ['user'], message: 'is required when a password is set' });
    }
    if (smtp.secure && smtp.starttls === 'required') {
      ctx.addIssue({
        code: 'custom',
        path: ['starttls'],
        message: 'cannot be required with secure: true (the connection is already TLS)',
      });
    }
  });

const recipientsSchema = z
  .object({
    business: emailListSchema.default([]),
    admin: emailListSchema.default([]),
    error: emailListSchema.default([]),
  })
  .strict();

/** `email:` of an environment: switches and what a mail carries. */
const switchesSchema = z
  .object({
    /** Any mail at all from this environment. (Default: true) */
    enabled: flag.default(true),
    business: flag.default(true),
    admin: flag.default(true),
    error: flag.default(true),
    /** Lines of the run's log at the end of the mail. (Default: 50) */
    logTailLines: integer(0, 10_000).default(50),
    /** Upper bound of the log tail in bytes. (Default: 65536) */
    logTailMaxBytes: integer(1024, 10_000_000).default(64 * 1024),
    /** Attach the whole readable log (up to `attachMaxBytes`). (Default: false) */
    attachLog: flag.default(false),
    attachMaxBytes: integer(1024, 50_000_000).default(5 * 1024 * 1024),
  })
  .strict();

export type SmtpSettings = z.output<typeof smtpSchema> & { port: number; from: string };

export interface EmailSettings {
  environment: string;
  /** config/dwh.yaml relative to the home, for messages. */
  file: string;
  /** null when the environment has no `smtp:` section. */
  smtp: SmtpSettings | null;
  recipients: Record<RecipientGroup, string[]>;
  switches: z.output<typeof switchesSchema>;
}

/**
 * Reads and validates `smtp`, `recipients` and `email` of the selected environment. Problems are ConfigErrors
 * naming config/dwh.yaml, the key path and the value. The password is registered as a secret so no log line,
 * error or stored row shows it.
 */
export function loadEmailSettings(config: ResolvedConfig): EmailSettings {
  const file = path.relative(config.paths.home, config.paths.configFile) || config.paths.configFile;
  const prefix = ['environments', config.environment];
  const section = config.settings as Record<string, unknown>;
  const parse = <T extends z.ZodType>(schema: T, key: string): z.output<T> => {
    const parsed = schema.safeParse(section[key]);
    if (!parsed.success) {
      const wrapped = { environments: { [config.environment]: section } };
      const error = new z.ZodError(
        parsed.error.issues.map((issue) => {
          // "smtp.password: <problem>" reads like a credential to the log redaction, which would mask the
          // problem's first word: name the key inside the problem instead
          if (issue.path.at(-1) === 'password') {
            return {
              ...issue,
              path: [...prefix, key, ...issue.path.slice(0, -1)],
              message: `password ${issue.message}`,
            };
          }
          return { ...issue, path: [...prefix, key, ...issue.path] };
        }),
      );
      throw zodToConfigError(file, error, wrapped);
    }
    return parsed.data;
  };
  // registered before validation too: an error message may quote the smtp section
  const rawPassword = (section.smtp as { password?: unknown } | undefined)?.password;
  if (typeof rawPassword === 'string' || typeof rawPassword === 'number') registerSecret(String(rawPassword));
  const smtp = section.smtp === undefined ? undefined : parse(smtpSchema, 'smtp');
  return {
    environment: config.environment,
    file,
    smtp: smtp ? withDefaults(smtp) : null,
    recipients: parse(recipientsSchema.default({ business: [], admin: [], error: [] }), 'recipients'),
    switches: parse(switchesSchema.default(switchesSchema.parse({})), 'email'),
  };
}

function withDefaults(smtp: z.output<typeof smtpSchema>): SmtpSettings {
  const port = smtp.port ?? (smtp.secure ? 465 : 587);
  const from =
    smtp.from ?? (smtp.user && bareAddress(smtp.user) ? smtp.user : `dwh@${os.hostname() || 'localhost'}`);
  return { ...smtp, port, from };
}

/** `host:port` and the user, never the password: what messages may show about the server. */
export function describeSmtp(smtp: SmtpSettings): string {
  const mode = smtp.secure ? 'TLS' : smtp.starttls === 'off' ? 'plain' : `STARTTLS ${smtp.starttls}`;
  return `${smtp.host}:${smtp.port} (${mode}${smtp.user ? `, user ${smtp.user}` : ''})`;
}
