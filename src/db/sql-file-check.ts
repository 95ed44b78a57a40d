/**
 * What can be told of a SQL file without a database: a quote, a quoted identifier, a block comment or a
 * dollar-quoted body that never closes (the statement would swallow the rest of the file). Returns the
 * problem with the line where the unclosed part opens, or null.
 */
export function unclosedSqlPart(text: string): { line: number; problem: string } | null {
  let i = 0;
  const lineAt = (index: number) => text.slice(0, index).split('\n').length;
  while (i < text.length) {
    const ch = text[i]!;
    const rest = text.slice(i, i + 2);
    if (rest === '--') {
      const end = text.indexOf('\n', i);
      i = end === -1 ? text.length : end + 1;
    } else if (rest === '/*') {
      const end = text.indexOf('*/', i + 2);
      if (end === -1) return { line: lineAt(i), problem: 'a /* comment is never closed' };
      i = end + 2;
    } else if (ch === "'" || ch === '"') {
      let j = i + 1;
      for (;;) {
        const end = text.indexOf(ch, j);
        if (end === -1) {
          const what = ch === "'" ? 'a string literal' : 'a quoted identifier';
          return { line: lineAt(i), problem: `${what} opened here is never closed (${ch})` };
        }
        if (text[end + 1] === ch)
          j = end + 2; // doubled quote inside
        else {
          i = end + 1;
          break;
        }
      }
    } else if (ch === '$') {
      const tag = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(text.slice(i))?.[0];
      if (!tag) {
        i++;
        continue;
      }
      const end = text.indexOf(tag, i + tag.length);
      if (end === -1) return { line: lineAt(i), problem: `a ${tag} body is never closed` };
      i = end + tag.length;
    } else {
      i++;
    }
  }
  return null;
}
