/**
 * Result types made identical on PGlite and on a server: int8 as number (counts, ids), numeric as string
 * (exact), date as 'YYYY-MM-DD' (no time zone shift), timestamp without time zone read as UTC.
 */
const OID = { int8: 20, numeric: 1700, date: 1082, timestamp: 1114 } as const;

function timestampAsUtc(text: string): Date | string {
  if (text === 'infinity' || text === '-infinity') return text;
  return new Date(`${text.replace(' ', 'T')}Z`);
}

function int8(text: string): number {
  return Number(text);
}

export const typeParsers: Record<number, (text: string) => unknown> = {
  [OID.int8]: int8,
  [OID.numeric]: (text) => text,
  [OID.date]: (text) => text,
  [OID.timestamp]: timestampAsUtc,
};
