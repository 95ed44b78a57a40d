/**
 * Secrets never reach a log line, etl_runs.parameters or an error message. Three nets:
 * values registered as secret (everything config resolves from `${env:…}` / `${file:…}`), keys that name a
 * secret, and patterns (credentials in URLs, `password=…`, bearer tokens).
 */
const secretValues = new Set<string>();
const SECRET_KEY = /pass(word)?|pwd|secret|token|api[-_]?key|credential|authorization|private[-_]?key/i;
const MASK = '***';

export function registerSecret(value: string | undefined | null): void {
  // very short values would mask ordinary words
  if (value && value.length >= 4) secretValues.add(value);
}

export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key);
}

export function redactText(text: string): string {
  let out = text;
  for (const secret of secretValues) if (out.includes(secret)) out = out.split(secret).join(MASK);
  return out
    .replace(/([a-z][a-z0-9+.-]*:\/\/[^:/?#@\s]+):[^@/\s]+@/gi, `$1:${MASK}@`)
    .replace(/\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi, `$1 ${MASK}`)
    .replace(
      /\b((?:pass(?:word)?|pwd|secret|token|api[-_]?key)["']?\s*[:=]\s*["']?)([^\s"'&,;}]+)/gi,
      `$1${MASK}`,
    );
}

/** A deep copy with secret keys masked and every string passed through `redactText`. */
export function redactValue<T>(value: T, depth = 0): T {
  if (depth > 20) return value;
  if (typeof value === 'string') return redactText(value) as T;
  if (Array.isArray(value)) return value.map((item: unknown) => redactValue(item, depth + 1)) as T;
  if (value instanceof Date || value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    out[key] =
      isSecretKey(key) && item !== null && item !== undefined && typeof item !== 'object'
        ? MASK
        : redactValue(item, depth + 1);
  }
  return out as T;
}
