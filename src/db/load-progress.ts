import type { Logger } from 'pino';

/**
 * Progress of one load: a log line every `everyMs` and a self-overwriting line on a terminal. Loads of bytes
 * count megabytes until COPY tells the row count at the end.
 */
export class LoadProgress {
  private rows = 0;
  private bytes = 0;
  private readonly started = Date.now();
  private lastLog = Date.now();
  private readonly tty: boolean;

  constructor(
    private readonly log: Logger,
    private readonly target: string,
    private readonly everyMs: number,
    tty = Boolean(process.stderr.isTTY) && !process.env.CI,
  ) {
    this.tty = tty;
  }

  addRows(n: number): void {
    this.rows += n;
    this.tick();
  }

  addBytes(n: number): void {
    this.bytes += n;
    this.tick();
  }

  get elapsedMs(): number {
    return Date.now() - this.started;
  }

  private tick(): void {
    const now = Date.now();
    if (now - this.lastLog < this.everyMs) return;
    this.lastLog = now;
    const line = `${this.target}: ${this.describe()}`;
    this.log.info(line);
    if (this.tty) process.stderr.write(`\r${line}\u001b[K`);
  }

  private describe(): string {
    const seconds = Math.max(this.elapsedMs / 1000, 0.001);
    if (this.rows > 0 || this.bytes === 0)
      return `${this.rows.toLocaleString('en-US')} rows (${Math.round(this.rows / seconds).toLocaleString('en-US')} rows/s)`;
    const mb = this.bytes / 1_048_576;
    return `${mb.toFixed(1)} MB (${(mb / seconds).toFixed(1)} MB/s)`;
  }

  /** The closing line, with the final row count. */
  finish(rows: number, mode: string): { durationMs: number; rowsPerSecond: number } {
    const durationMs = this.elapsedMs;
    const rowsPerSecond = Math.round(rows / Math.max(durationMs / 1000, 0.001));
    if (this.tty && Date.now() - this.started >= this.everyMs) process.stderr.write('\r\u001b[K');
    this.log.info(
      `${this.target}: loaded ${rows.toLocaleString('en-US')} rows (${mode}) in ${(durationMs / 1000).toFixed(2)} s, ${rowsPerSecond.toLocaleString('en-US')} rows/s`,
    );
    return { durationMs, rowsPerSecond };
  }
}
