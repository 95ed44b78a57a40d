import { createHash } from 'node:crypto';

/** PostgreSQL keeps the first 63 bytes of an identifier (NAMEDATALEN − 1) and silently drops the rest. */
export const MAX_IDENTIFIER_BYTES = 63;

/** Hex digits of the hash that keeps shortened names apart (32 bits: a clash needs ~65k names of one table). */
const HASH_LENGTH = 8;

/**
 * The name of an object dwh derives from a table: `<table>_<suffix>` (`dim_customer_no_overlap`,
 * `fact_sales_2026_01`). When that is longer than PostgreSQL keeps, the table part is shortened and a short
 * hash of the full name is added (`<table prefix>_<hash>_<suffix>`), so two derived names of one table never
 * collide after truncation and the same declaration always derives the same name.
 */
export function derivedName(table: string, suffix: string): string {
  const full = `${table}_${suffix}`;
  if (Buffer.byteLength(full) <= MAX_IDENTIFIER_BYTES) return full;
  const hash = createHash('sha256').update(full).digest('hex').slice(0, HASH_LENGTH);
  const tail = `_${hash}_${suffix}`;
  // a suffix too long to keep readable (a long column name) is shortened with the rest
  if (Buffer.byteLength(tail) > MAX_IDENTIFIER_BYTES / 2)
    return `${truncateBytes(full, MAX_IDENTIFIER_BYTES - HASH_LENGTH - 1)}_${hash}`;
  return `${truncateBytes(table, MAX_IDENTIFIER_BYTES - Buffer.byteLength(tail))}${tail}`;
}

/** The longest prefix of `text` of at most `bytes` UTF-8 bytes that does not split a character. */
function truncateBytes(text: string, bytes: number): string {
  let out = '';
  let used = 0;
  for (const char of text) {
    const size = Buffer.byteLength(char);
    if (used + size > bytes) break;
    out += char;
    used += size;
  }
  return out;
}
