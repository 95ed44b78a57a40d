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
): Promise<{ columns: string[]; stream: Readable }> {
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
  const text = all.toString(/^latin-?1$/i.test(encoding) ? 'latin1' : 'utf8').replace(/^\uFEFF/, '');
  const newline = text.indexOf('\n');
  const line = (newline === -1 ? text : text.slice(0, newline)).replace(/\r$/, '');
  return { columns: splitCsvLine(line, delimiter), stream };
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
export function splitCsvLine(line: string, delimiter: string): string[] {
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
