import { mkdirSync } from 'node:fs';
import path from 'node:path';
import pino, { type Logger } from 'pino';
import pretty from 'pino-pretty';
import { redactText, redactValue } from './redact.js';

export interface RunLoggerOptions {
  /** JSON-lines file of the run; null for console only. */
  file: string | null;
  /** Human-readable console output. (Default: true) */
  console?: boolean;
  level?: string;
  bindings?: Record<string, unknown>;
}

/**
 * pino writing JSON lines to the run's log file and readable lines to the console. Both are synchronous so a
 * crash loses no line and the log can be read back while the run is still going.
 */
export function createRunLogger(options: RunLoggerOptions): Logger {
  const streams: pino.StreamEntry[] = [];
  const level = options.level ?? process.env.DWH_LOG_LEVEL ?? 'info';
  if (options.console !== false) {
    streams.push({
      level: level as pino.Level,
      stream: pretty({
        sync: true,
        colorize: Boolean(process.stdout.isTTY),
        translateTime: 'UTC:HH:MM:ss.l',
        ignore: 'pid,hostname,project,runId,attempt,task',
        messageFormat: '{if task}[{task}] {end}{msg}',
        hideObject: false,
      }),
    });
  }
  if (options.file) {
    mkdirSync(path.dirname(options.file), { recursive: true });
    streams.push({
      level: 'trace',
      stream: pino.destination({ dest: options.file, sync: true, mkdir: true }),
    });
  }
  return pino(
    {
      level,
      enabled: streams.length > 0,
      base: options.bindings ?? {},
      timestamp: pino.stdTimeFunctions.epochTime,
      serializers: { err: pino.stdSerializers.err },
      hooks: {
        logMethod(args, method) {
          method.apply(
            this,
            args.map((arg) => (typeof arg === 'string' ? redactText(arg) : arg)) as Parameters<typeof method>,
          );
        },
      },
      formatters: { log: (object) => redactValue(object) },
    },
    pino.multistream(streams),
  );
}
