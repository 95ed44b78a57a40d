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
