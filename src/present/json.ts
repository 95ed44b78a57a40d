/** JSON for `--json` output: dates as ISO strings, bigints (counts from the database) as numbers. */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? Number(v) : v), 2);
}
