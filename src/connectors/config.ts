import { z } from 'zod';
import { ConfigError } from '../core/errors.js';
import { zodToConfigError } from '../core/zod-error.js';
import { registerSecret, urlPassword } from '../logging/redact.js';
import { fileEncodings } from './file/decode-text.js';

const database = {
  /** `postgres://user:pass@host:5432/db` or `mysql://…`; or the parts below. */
  url: z.string().optional(),
  host: z.string().optional(),
  port: z.number().int().positive().optional(),
  database: z.string().optional(),
  user: z.string().optional(),
  password: z.string().optional(),
  /** Rows per batch read from the source. (Default: 10000) */
  batchSize: z.number().int().positive().default(10_000),
  /** Connect timeout. (Default: 10000) */
  connectTimeoutMs: z.number().int().positive().default(10_000),
  /**
   * Sessions open at most at once. Tasks running in parallel each read through a session of their own (a
   * transaction or a cursor belongs to one extract); an extract beyond the limit waits for a free one.
   * (Default: 4, as maxParallelTasks)
   */
  maxConnections: z.number().int().min(1).default(4),
};

const postgresSchema = z.object({ kind: z.literal('postgres'), ...database }).strict();
const mysqlSchema = z.object({ kind: z.literal('mysql'), ...database }).strict();

const fileSchema = z
  .object({
    kind: z.literal('file'),
    /** Folder the paths are relative to, relative to the dwh home. (Default: the project folder) */
    dir: z.string().optional(),
    /** (Default: from the extension: .csv, .json, .ndjson/.jsonl) */
    format: z.enum(['csv', 'json', 'ndjson']).optional(),
    /** CSV field delimiter. (Default: ',') */
    delimiter: z.string().length(1).default(','),
    /** CSV files start with a header line. (Default: true) */
    header: z.boolean().default(true),
    /**
     * utf8, latin1 (ISO-8859-1) or windows-1252. Bytes that are not valid UTF-8 in a utf8 file are an error
     * naming the file and line, on both paths. (Default: utf8)
     */
    encoding: z.enum(fileEncodings).default('utf8'),
    /** An empty file (0 bytes or only blank lines: no header, no rows) means no rows, not an error. (Default: false) */
    allowEmpty: z.boolean().default(false),
    /**
     * Rows per batch of parsed files. Small batches keep short-lived rows in V8's young generation, where
     * collecting them is cheap; 2,000 measured about a quarter faster than 10,000. (Default: 2000)
     */
    batchSize: z.number().int().positive().default(2000),
  })
  .strict();

const httpSchema = z
  .object({
    kind: z.literal('http'),
    baseUrl: z.url(),
    /** Extra request headers. */
    headers: z.record(z.string(), z.string()).default({}),
    /** Sent as `<authHeader>: <authScheme> <token>`; masked in every log line and error. */
    token: z.string().optional(),
    /** (Default: Authorization) */
    authHeader: z.string().default('Authorization'),
    /** (Default: Bearer; '' sends the token alone) */
    authScheme: z.string().default('Bearer'),
    /** Per request. (Default: 30000) */
    timeoutMs: z.number().int().positive().default(30_000),
    /** Retries of a request after 429, 5xx, a timeout or a network error. (Default: 3) */
    retries: z.number().int().min(0).default(3),
    /** First retry delay, doubled each time, unless the server sends Retry-After. (Default: 500) */
    retryDelayMs: z.number().int().min(0).default(500),
    /** (Default: 30000) */
    maxRetryDelayMs: z.number().int().min(0).default(30_000),
    /**
     * Largest response body read, in bytes; a larger one fails the extract, naming the URL and the limit,
     * and is not retried. (Default: 268435456, 256 MB)
     */
    maxBodyBytes: z
      .number()
      .int()
      .positive()
      .default(256 * 1024 * 1024),
    /** At most this many requests per second. (Default: unlimited) */
    ratePerSecond: z.number().positive().optional(),
  })
  .strict();

const connectorSchema = z.discriminatedUnion('kind', [postgresSchema, mysqlSchema, fileSchema, httpSchema]);

export type PostgresConnectorConfig = z.output<typeof postgresSchema>;
export type MysqlConnectorConfig = z.output<typeof mysqlSchema>;
export type FileConnectorConfig = z.output<typeof fileSchema>;
export type HttpConnectorConfig = z.output<typeof httpSchema>;
export type ConnectorConfig = z.output<typeof connectorSchema>;

/**
 * Validates the `connectors:` section of the selected environment. Passwords, tokens and URL passwords are
 * registered as secrets so no log line or error shows them.
 */
export function parseConnectorsConfig(
  raw: unknown,
  file: string,
  environment: string,
): Record<string, ConnectorConfig> {
  const key = `environments.${environment}.connectors`;
  if (raw === undefined || raw === null) return {};
  const parsed = z
    .record(
      z.string().regex(/^[A-Za-z][A-Za-z0-9_-]*$/, 'connector names use letters, digits, _ and -'),
      connectorSchema,
    )
    .safeParse(raw);
  if (!parsed.success) {
    const error = zodToConfigError(file, parsed.error, raw);
    throw new ConfigError(file, `${key}.${error.key}`, error.value, problemOf(error));
  }
  for (const config of Object.values(parsed.data)) {
    if ('password' in config) registerSecret(config.password);
    if ('url' in config && config.url) registerSecret(urlPassword(config.url));
    if ('token' in config) registerSecret(config.token);
  }
  return parsed.data;
}

function problemOf(error: ConfigError): string {
  // ConfigError's message is "<file>: <key>: <problem> (got …)"; keep the problem only
  const prefix = `${error.file}: ${error.key || '(root)'}: `;
  const message = error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message;
  return message.replace(/ \(got [^]*\)$/, '');
}
