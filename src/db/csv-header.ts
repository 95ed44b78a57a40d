import type { Readable } from 'node:stream';

const HEADER_LIMIT = 1024 * 1024;

/**
 * Reads the header line of a CSV stream without consuming it: the bytes read are pushed back, so COPY still
 * sees (and skips) the header. Used to load a CSV by column names rather than by position.
 */
export async function readCsvHeader(
  stream: Readable,
  delimiter: string,
  encoding = 'UTF8',
): Promise<{ columns: string[]; stream: Readable; empty: boolean }> {
  const chunks: Buffer[] = [];
  let size = 0;
  for (;;) {
    const chunk = stream.read() as Buffer | null;
    if (chunk === null) {
      if (stream.readableEnded || stream.destroyed) break;
      const ended = await nextReadable(stream);
      if (ended) break;
      continue;
    }
    chunks.push(chunk);
    size += chunk.length;
    if (chunk.includes(0x0a) || size > HEADER_LIMIT) break;
  }
  const all = Buffer.concat(chunks);
  if (all.length) stream.unshift(all);
  const text = decodeHeader(all, encoding).replace(/^\uFEFF/, '');
  const newline = text.indexOf('\n');
  const line = (newline === -1 ? text : text.slice(0, newline)).replace(/\r$/, '');
  // no header line at all (0 bytes, or only blank lines): there is nothing to load by name
  const empty = text.trim() === '' && (newline === -1 || all.length < HEADER_LIMIT);
  return { columns: splitCsvLine(line, delimiter), stream, empty };
}

/** Header bytes as text, in the file's PostgreSQL encoding name (UTF8, LATIN1, WIN1252). */
function decodeHeader(bytes: Buffer, encoding: string): string {
  if (/^latin-?1$/i.test(encoding)) return bytes.toString('latin1');
  if (/^win-?1252$/i.test(encoding)) return new TextDecoder('windows-1252').decode(bytes);
  return bytes.toString('utf8');
}

function nextReadable(stream: Readable): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const done = (ended: boolean) => {
      stream.off('readable', onReadable);
      stream.off('end', onEnd);
      stream.off('error', onError);
      resolve(ended);
    };
    const onReadable = () => done(false);
    const onEnd = () => done(true);
    const onError = (error: Error) => {
      stream.off('readable', onReadable);
      stream.off('end', onEnd);
      reject(error);
    };
    stream.on('readable', onReadable);
    stream.on('end', onEnd);
    stream.on('error', onError);
  });
}

/** Splits one CSV line (quotes with `""` escapes). */
function splitCsvLine(line: string, delimiter: string): string[] {
  const out: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === delimiter) {
      out.push(field);
      field = '';
    } else field += ch;
  }
  out.push(field);
  return out.map((f) => f.trim());
}
