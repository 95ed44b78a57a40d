import { CommanderError } from 'commander';
import { DwhError, EXIT, errorMessage, exitCodeOf } from '../core/errors.js';
import { debugEnabled } from '../core/runtime-env.js';
import { redactText } from '../logging/redact.js';

/** Prints an error the way a user can act on it and returns the exit code. */
export function reportError(error: unknown): number {
  if (error instanceof CommanderError) {
    // commander printed its own message already
    return error.exitCode === 0 ? EXIT.success : EXIT.usage;
  }
  const message = redactText(errorMessage(error));
  process.stderr.write(`dwh: error: ${message}\n`);
  if (!(error instanceof DwhError) && error instanceof Error && debugEnabled()) {
    process.stderr.write(`${redactText(error.stack ?? '')}\n`);
  }
  return exitCodeOf(error);
}
