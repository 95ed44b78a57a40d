import { DwhError, EXIT } from '../core/errors.js';
import { redactText } from '../logging/redact.js';

/** A source that fails: names the connector and what was asked (URL, file, query start), never a secret. */
export class ConnectorError extends DwhError {
  constructor(
    readonly connector: string,
    message: string,
    cause?: unknown,
    options?: { retryable?: boolean },
  ) {
    // a bad request or a missing file repeats on every attempt; a failure with a cause is decided by the cause
    super('CONNECTOR', redactText(`connector '${connector}': ${message}`), {
      cause,
      exitCode: EXIT.runFailed,
      retryable: options?.retryable ?? (cause === undefined ? false : undefined),
    });
  }
}
