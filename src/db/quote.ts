/**
 * The one way dwh quotes SQL identifiers. Every generated identifier goes through here; every value goes as a
 * parameter. `quoteIdent('a"b')` → `"a""b"`; `quoteIdent('dwh', 'etl_runs')` → `"dwh"."etl_runs"`.
 */
export function quoteIdent(...parts: string[]): string {
  if (parts.length === 0) throw new TypeError('quoteIdent needs at least one name');
  return parts
    .map((part) => {
      if (typeof part !== 'string' || part.length === 0 || part.includes('\u0000')) {
        throw new TypeError(`invalid SQL identifier: ${JSON.stringify(part)}`);
      }
      return `"${part.replace(/"/g, '""')}"`;
    })
    .join('.');
}
