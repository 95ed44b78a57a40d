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
  /**
   * Called once when the log file cannot be written (disk full…); the file is then given up and the console
   * goes on. (Default: the error is ignored)
   */
  onFileError?: (error: Error) => void;
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
  if (options.file) streams.push({ level: 'trace', stream: fileStream(options.file, options.onFileError) });
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

/**
 * The run's JSON-lines file. A write error (ENOSPC, EFBIG, EIO) would otherwise be an unhandled 'error' event
 * that kills the process mid-run; here it is reported once and the file is no longer written.
 */
function fileStream(file: string, onError: ((error: Error) => void) | undefined): pino.DestinationStream {
  let broken = false;
  const fail = (error: Error) => {
    if (broken) return;
    broken = true;
    onError?.(error);
  };
  let destination: ReturnType<typeof pino.destination> | null = null;
  try {
    mkdirSync(path.dirname(file), { recursive: true });
    destination = pino.destination({ dest: file, sync: true, mkdir: true });
    destination.on('error', fail);
  } catch (error) {
    // reported once the caller is listening: the logger is still being built
    queueMicrotask(() => fail(error as Error));
  }
  return {
    write(line: string) {
      if (!broken) destination?.write(line);
    },
  };
}
