/**
 * HTML with escaping by default, for the dashboard pages and the run e-mail alike: every value interpolated
 * into `html\`…\`` is escaped unless it is already `SafeHtml` (the output of another `html` call, or a
 * constant marked with `raw`). There is no other way to put text into markup, so a project name, task error
 * or log line containing `<script>` is always shown as text.
 */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  // old browsers end an unquoted attribute at a backtick
  '`': '&#96;',
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"'`]/g, (char) => ENTITIES[char]!);
}

/** Trusted markup, inserted as it is: for constants written in the code (a style sheet), never for data. */
export function raw(markup: string): SafeHtml {
  return new SafeHtml(markup);
}

function render(value: unknown): string {
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map(render).join('');
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof Date) return escapeHtml(value.toISOString());
  if (typeof value === 'string') return escapeHtml(value);
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean')
    return escapeHtml(String(value));
  return escapeHtml(JSON.stringify(value) ?? '');
}

/** Tagged template: literal parts are trusted markup, interpolated values are escaped (arrays are joined). */
export function html(strings: TemplateStringsArray, ...values: unknown[]): SafeHtml {
  let out = strings[0]!;
  values.forEach((value, i) => {
    out += render(value) + strings[i + 1]!;
  });
  return new SafeHtml(out);
}

/** A URL path built from escaped segments: `/runs/12`, `/projects/a%2Fb`. */
export function href(...segments: (string | number)[]): string {
  return `/${segments.map((s) => encodeURIComponent(String(s))).join('/')}`;
}
