import { DwhError, EXIT } from '../core/errors.js';

/**
 * A deployment step that cannot be done: the crontab cannot be read or written, the Docker engine or an image
 * is missing, the build context lacks a file. The command is wrong for this host, so it exits 2.
 */
export class DeployError extends DwhError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('DEPLOY', message, { ...options, exitCode: EXIT.usage, retryable: false });
  }
}
