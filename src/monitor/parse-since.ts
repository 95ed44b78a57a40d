import { parseCliDate } from '../audit/window.js';
import { UsageError } from '../core/errors.js';

const UNITS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** `--since`: a date/time (`2026-11-01`, `2026-11-01T06:00Z`, UTC) or an age (`30m`, `12h`, `7d`, `2w`). */
export function parseSince(value: string, now = new Date()): Date {
  const age = /^(\d+)([mhdw])$/.exec(value.trim());
  if (age) return new Date(now.getTime() - Number(age[1]) * UNITS[age[2]!]!);
  try {
    return parseCliDate('--since', value);
  } catch {
    throw new UsageError(
      `--since: '${value}' is neither a date (YYYY-MM-DD or YYYY-MM-DDTHH:mm[Z]) nor an age like 30m, 12h, 7d, 2w`,
    );
  }
}
