import { postgreSplitterOptions, splitQuery } from 'dbgate-query-splitter';

export interface SqlStatement {
  text: string;
  /** 1-based line of the statement's first character in the file. */
  line: number;
}

/**
 * Splits a SQL script into statements (quotes, comments and dollar-quoted bodies respected). PGlite's
 * parameterised path runs one statement at a time, so scripts always go statement by statement.
 */
export function splitSqlStatements(script: string): SqlStatement[] {
  const parts = splitQuery(script, { ...postgreSplitterOptions, returnRichInfo: true }) as Array<{
    text: string;
    trimStart?: { line: number };
    start: { line: number };
  }>;
  return parts
    .map((part) => ({ text: part.text.trim(), line: (part.trimStart ?? part.start).line + 1 }))
    .filter((statement) => stripComments(statement.text).trim().length > 0);
}

function stripComments(text: string): string {
  return text.replace(/--[^\n]*/g, '').replace(/\/\*[\s\S]*?\*\//g, '');
}
