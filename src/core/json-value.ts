/**
 * What dwh stores as JSON (run parameters, task values) must come back exactly as it went in. JSON.stringify
 * silently drops or changes much (undefined, functions, NaN, Dates become strings, Maps become `{}`) and throws
 * on BigInt and cycles; such values are refused instead, with where they are.
 */
export function jsonProblem(value: unknown): string | null {
  return problemAt(value, '', new Set());
}

function problemAt(value: unknown, at: string, seen: Set<object>): string | null {
  const where = at ? ` at ${at}` : '';
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return null;
  if (typeof value === 'number')
    return Number.isFinite(value) ? null : `is not JSON: ${String(value)}${where}`;
  if (typeof value !== 'object') return `is not JSON: a ${typeof value}${where}`;
  if (seen.has(value)) return `is not JSON: it refers to itself${where}`;
  const proto = Object.getPrototypeOf(value) as unknown;
  if (!Array.isArray(value) && proto !== Object.prototype && proto !== null) {
    const name = (value as { constructor?: { name?: string } }).constructor?.name ?? 'non-plain object';
    return `is not JSON: a ${name}${where}`;
  }
  seen.add(value);
  try {
    const entries: [string, unknown][] = Array.isArray(value)
      ? value.map((item: unknown, i) => [String(i), item])
      : Object.entries(value);
    for (const [key, item] of entries) {
      const path = at ? `${at}.${key}` : key;
      const problem = problemAt(item, path, seen);
      if (problem) return problem;
    }
    return null;
  } finally {
    seen.delete(value);
  }
}
