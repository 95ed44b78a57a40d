import { DwhError, EXIT } from '../core/errors.js';

/** The embedded PostgreSQL server cannot be created, started, reached or stopped; the message says why. */
export class EmbeddedServerError extends DwhError {
  constructor(
    readonly dir: string,
    message: string,
    options: { cause?: unknown; refused?: boolean } = {},
  ) {
    super('EMBEDDED_SERVER', `embedded PostgreSQL server in ${dir}: ${message}`, {
      cause: options.cause,
      exitCode: options.refused ? EXIT.refused : EXIT.usage,
    });
  }
}
