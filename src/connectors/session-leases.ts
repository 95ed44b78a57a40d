/**
 * The sessions a database connector has handed to extracts and not yet got back. Each goes back exactly once,
 * however its extract ends (read to the end, failed, abandoned); `close()` of the connector ends the ones still
 * out, so a pool that waits for its sessions never waits for an extract nobody reads any more.
 */
export class SessionLeases<S> {
  private readonly out = new Map<S, (error?: Error) => void>();

  /**
   * Lends `session`; the function returned gives it back through `giveBack`, once (later calls do nothing).
   * With an error the session is ended rather than reused.
   */
  lend(session: S, giveBack: (error?: Error) => void): (error?: Error) => void {
    const once = (error?: Error) => {
      if (!this.out.delete(session)) return;
      giveBack(error);
    };
    this.out.set(session, once);
    return once;
  }

  /** Gives back every session still out, with `error`: each is ended. */
  endAll(error: Error): void {
    for (const giveBack of [...this.out.values()]) giveBack(error);
  }
}

/**
 * Waits for a session of a pool (`get`) until it comes or `signal` aborts: an extract of a task that timed out
 * or was interrupted stops waiting for a free session at once. A session that arrives after the abort is
 * given straight back (`giveBack`).
 */
export function sessionOrAbort<S>(
  get: () => Promise<S>,
  signal: AbortSignal | undefined,
  giveBack: (session: S) => void,
): Promise<S> {
  if (!signal) return get();
  signal.throwIfAborted();
  return new Promise<S>((resolve, reject) => {
    let settled = false;
    const onAbort = () => {
      if (settled) return;
      settled = true;
      reject(signal.reason instanceof Error ? signal.reason : new Error(String(signal.reason)));
    };
    signal.addEventListener('abort', onAbort, { once: true });
    get().then(
      (session) => {
        signal.removeEventListener('abort', onAbort);
        if (settled) return giveBack(session);
        settled = true;
        resolve(session);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        if (settled) return;
        settled = true;
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}
