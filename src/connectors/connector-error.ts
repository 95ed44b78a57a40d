import { DwhError, EXIT } from '../core/errors.js';
import { redactText } from '../logging/redact.js';

/** A source that fails: names the connector and what was asked (URL, file, query start), never a secret. */
export class ConnectorError extends DwhError {
  constructor(
    readonly connector: string,
    message: string,
    cause?: unknown,
  ) {
    super('TASK_FAILED', redactText(`connector '${connector}': ${message}`), {
      cause,
      exitCode: EXIT.runFailed,
    });
  }
}
