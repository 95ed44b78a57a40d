/** Free text squeezed into one line of a table, subject or list. */

/** Cuts text to `max` characters, saying so with `…`. */
export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** Line breaks and runs of spaces become one space (a stack in a table cell must not break the table). */
export function oneLine(text: string, max = Infinity): string {
  return truncate(text.replace(/\s+/g, ' ').trim(), max);
}
