/** Status colours for terminal tables: only on a TTY, and never when NO_COLOR is set (no-color.org). */
const CODES: Record<string, number> = {
  success: 32,
  on_time: 32,
  pass: 32,
  failed: 31,
  crashed: 35,
  lost: 35,
  late: 31,
  never_succeeded: 31,
  invalid_schedule: 31,
  fail: 31,
  error: 31,
  running: 34,
  waiting: 33,
  warn: 33,
  up_for_retry: 33,
  upstream_failed: 33,
};

export function colourEnabled(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(stream.isTTY) && !env.NO_COLOR && env.TERM !== 'dumb';
}

/** `text` in the colour of `status` (text itself when colour is off or the status has none). */
export function colourStatus(status: string, text: string, enabled: boolean): string {
  const code = CODES[status];
  return enabled && code ? `\u001b[${code}m${text}\u001b[39m` : text;
}
