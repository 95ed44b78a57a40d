/**
 * `COPY (query) TO STDOUT` takes no bind parameters, so for the pass-through path the `$n` placeholders are
 * replaced by literals escaped by the driver (`escapeLiteral`). Quoted strings, quoted identifiers, comments
 * and dollar-quoted bodies are skipped, so a `$1` inside them is left alone.
 */
export function inlineParams(
  text: string,
  values: readonly unknown[],
  escapeLiteral: (value: string) => string,
): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    const next = text[i + 1];
    let end = i + 1;
    if (ch === "'" || ch === '"') {
      end = i + 1;
      for (;;) {
        const close = text.indexOf(ch, end);
        if (close === -1) {
          end = text.length;
          break;
        }
        if (text[close + 1] === ch) end = close + 2;
        else {
          end = close + 1;
          break;
        }
      }
    } else if (ch === '-' && next === '-') {
      const nl = text.indexOf('\n', i);
      end = nl === -1 ? text.length : nl;
    } else if (ch === '/' && next === '*') {
      const close = text.indexOf('*/', i + 2);
      end = close === -1 ? text.length : close + 2;
    } else if (ch === '$' && next !== undefined && /\d/.test(next)) {
      const match = /^\$(\d+)/.exec(text.slice(i))!;
      const index = Number(match[1]) - 1;
      if (index < 0 || index >= values.length)
        throw new RangeError(`query uses ${match[0]} but has ${values.length} parameter(s)`);
      out += literal(values[index], escapeLiteral);
      i += match[0].length;
      continue;
    } else if (ch === '$') {
      const tag = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(text.slice(i));
      if (tag) {
        const close = text.indexOf(tag[0], i + tag[0].length);
        end = close === -1 ? text.length : close + tag[0].length;
      }
    }
    out += text.slice(i, end);
    i = end;
  }
  return out;
}

function literal(value: unknown, escapeLiteral: (value: string) => string): string {
  if (value === null || value === undefined) return 'NULL';
  if (value instanceof Date) return `${escapeLiteral(value.toISOString())}::timestamptz`;
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (typeof value === 'string') return escapeLiteral(value);
  return escapeLiteral(JSON.stringify(value));
}
