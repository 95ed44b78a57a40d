import type { Sql } from './sql.js';

/**
 * Turns `:name` parameters into `$1, $2…` with their values, skipping string literals, quoted identifiers,
 * comments, dollar-quoted bodies and `::` casts. A missing parameter is an error naming it.
 */
export function bindNamedParams(text: string, params: Record<string, unknown>, source = 'query'): Sql {
  const values: unknown[] = [];
  const positions = new Map<string, number>();
  let out = '';
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    const next = text[i + 1];
    if (ch === "'" || ch === '"') {
      const end = closing(text, i, ch);
      out += text.slice(i, end);
      i = end;
    } else if (ch === '-' && next === '-') {
      const end = text.indexOf('\n', i);
      const stop = end === -1 ? text.length : end;
      out += text.slice(i, stop);
      i = stop;
    } else if (ch === '/' && next === '*') {
      const end = text.indexOf('*/', i + 2);
      const stop = end === -1 ? text.length : end + 2;
      out += text.slice(i, stop);
      i = stop;
    } else if (ch === '$' && /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.test(text.slice(i))) {
      const tag = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(text.slice(i))![0];
      const end = text.indexOf(tag, i + tag.length);
      const stop = end === -1 ? text.length : end + tag.length;
      out += text.slice(i, stop);
      i = stop;
    } else if (ch === ':' && next === ':') {
      out += '::';
      i += 2;
    } else if (ch === ':' && next !== undefined && /[A-Za-z_]/.test(next)) {
      const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i + 1))![0];
      if (!(name in params)) {
        throw new Error(
          `${source}: parameter :${name} has no value (given: ${Object.keys(params).join(', ') || 'none'})`,
        );
      }
      let position = positions.get(name);
      if (position === undefined) {
        position = values.push(params[name]);
        positions.set(name, position);
      }
      out += `$${position}`;
      i += name.length + 1;
    } else {
      out += ch;
      i += 1;
    }
  }
  return { text: out, values };
}

function closing(text: string, start: number, quote: string): number {
  let i = start + 1;
  while (i < text.length) {
    if (text[i] === quote) {
      if (text[i + 1] === quote) i += 2;
      else return i + 1;
    } else i += 1;
  }
  return text.length;
}
