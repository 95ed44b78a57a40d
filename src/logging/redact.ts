/**
 * Secrets never reach the console, a log line, the audit tables, an e-mail or the dashboard. This module is
 * the only place that masks them. Three nets:
 * - values registered as secret: everything config resolves from `${env:…}` / `${file:…}`, every configured
 *   credential and the password of the warehouse URL (registered when the configuration loads);
 * - object keys that name a secret (`password`, `clientSecret`, `apiKey`, `auth`, `key`, …);
 * - patterns in text: credentials in URLs, `key=value` / `"key": "value"` pairs with such keys (also compound
 *   ones like `PGPASSWORD=…` or `"clientSecret":"…"`), bearer and basic tokens.
 */
const secretValues = new Set<string>();
/** A key that holds a secret: a secret word anywhere in it, or exactly `auth` / `key`. */
const SECRET_WORDS =
  'pass(?:word)?|pwd|secret|token|api[-_]?key|access[-_]?key|private[-_]?key|credential|authorization';
const SECRET_KEY = new RegExp(`${SECRET_WORDS}|^(?:auth|key)$`, 'i');
const MASK = '***';

/**
 * A `key = value` or `"key": "value"` pair whose key names a secret; the key starts at a word start. The bare
 * words `auth` and `key` count only as `key=…` or before a quoted value (`key: "…"`, `"key":"…"`): in prose
 * (`the same key: staging`) they are ordinary words.
 */
const SECRET_PAIR = new RegExp(
  `(?<![A-Za-z0-9_.-])((?:[A-Za-z0-9_.-]*(?:${SECRET_WORDS})[A-Za-z0-9_-]*(?:\\\\?["'])?\\s*[:=]\\s*)|` +
    `(?:(?:auth|key)(?:\\\\?["'])?(?:\\s*=\\s*|\\s*:\\s*(?=\\\\?["']))))` +
    `(\\\\?"(?:[^"\\\\]|\\\\[^"])*\\\\?"|'[^']*'|[^\\s"'&,;}]+)`,
  'gi',
);

/** Registers a value to be masked wherever it appears (also in its URL-encoded form). */
export function registerSecret(value: string | undefined | null): void {
  // very short values would mask ordinary words
  if (!value || value.length < 4) return;
  secretValues.add(value);
  const encoded = encodeURIComponent(value);
  if (encoded !== value) secretValues.add(encoded);
}

/**
 * Registers every credential in a configuration section: values under secret keys, and the password of every
 * URL with one (`postgres://user:password@host`).
 */
export function registerSecretsOf(value: unknown, depth = 0): void {
  if (depth > 20 || value === null || value === undefined) return;
  if (typeof value === 'string') {
    registerSecret(urlPassword(value));
    return;
  }
  if (Array.isArray(value)) {
    for (const item of value) registerSecretsOf(item, depth + 1);
    return;
  }
  if (typeof value !== 'object') return;
  for (const [key, item] of Object.entries(value)) {
    if (isSecretKey(key) && (typeof item === 'string' || typeof item === 'number'))
      registerSecret(String(item));
    registerSecretsOf(item, depth + 1);
  }
}

/** The (decoded) password of a URL, or null when the text is not a URL with one. */
export function urlPassword(text: string): string | null {
  if (!/^[a-z][a-z0-9+.-]*:\/\/[^@\s]*:[^@\s]*@/i.test(text)) return null;
  try {
    return decodeURIComponent(new URL(text).password) || null;
  } catch {
    // not a URL after all: the pattern net in redactText still masks `user:…@`
    return null;
  }
}

/** Whether a stored value was masked, wholly (a secret-looking key) or in part (a secret inside a text). */
export function isMasked(value: unknown): boolean {
  return typeof value === 'string' && value.includes(MASK);
}

export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key);
}

export function redactText(text: string): string {
  return redactTextWith(text, []);
}

/**
 * `redactText`, also masking secrets only the caller knows (the password of a URL that is not registered, as
 * a driver may echo it in a connection error); these are masked whatever their length.
 */
export function redactTextWith(text: string, secrets: readonly (string | null | undefined)[]): string {
  let out = text;
  const all = secrets.length
    ? new Set([...secretValues, ...secrets.filter((secret): secret is string => !!secret)])
    : secretValues;
  // longest first, so a secret containing another one is masked whole
  for (const secret of [...all].sort((a, b) => b.length - a.length))
    if (out.includes(secret)) out = out.split(secret).join(MASK);
  return out
    .replace(/([a-z][a-z0-9+.-]*:\/\/[^:/?#@\s]+):[^@/\s]+@/gi, `$1:${MASK}@`)
    .replace(/\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi, `$1 ${MASK}`)
    .replace(SECRET_PAIR, (_match, key: string, value: string) => {
      if (value === MASK) return `${key}${value}`;
      const quote = /^\\?["']/.exec(value)?.[0] ?? '';
      return `${key}${quote}${MASK}${quote && value.endsWith(quote) ? quote : ''}`;
    });
}

/**
 * A URL query parameter holding a credential: a secret key, or a name with `key`, `auth` or `sig` in it
 * (`subscription-key`, `authKey`, the `sig` of a signed URL). Wider than for object keys, where names such as
 * `keyColumns` must stay readable; a query string rarely carries such names.
 */
const SECRET_QUERY_KEY = /pass|secret|token|key|auth|sig/i;

/** `postgres://user:secret@host/db` → `postgres://user:***@host/db`; secret query parameters are masked too. */
export function maskUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = MASK;
    for (const key of [...parsed.searchParams.keys()]) {
      if (isSecretKey(key) || SECRET_QUERY_KEY.test(key)) parsed.searchParams.set(key, MASK);
    }
    return redactText(parsed.toString().replace(/%2A%2A%2A/g, MASK));
  } catch {
    return redactText(url);
  }
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
