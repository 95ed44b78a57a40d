import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { isUtf8 } from 'node:buffer';
import { Transform } from 'node:stream';
import { InputError } from '../../core/input-error.js';

/**
 * Text encodings a file source may declare. `latin1` is ISO-8859-1 (every byte is the code point of the same
 * number, as PostgreSQL's LATIN1); `windows-1252` is its Windows variant with € and typographic quotes at
 * 0x80–0x9F.
 */
export const fileEncodings = ['utf8', 'latin1', 'windows-1252'] as const;
export type FileEncoding = (typeof fileEncodings)[number];

/**
 * How the pass-through path hands a file to COPY: as it is with PostgreSQL's name of the encoding, or
 * re-encoded to UTF-8 first. windows-1252 is re-encoded: PGlite's COPY loads nothing from WIN1252 input
 * (measured: 0 rows, no error), and the parsed path decodes it with the same decoder.
 */
export const passThroughEncoding: Record<FileEncoding, { copy: string; transcode: boolean }> = {
  utf8: { copy: 'UTF8', transcode: false },
  latin1: { copy: 'LATIN1', transcode: false },
  'windows-1252': { copy: 'UTF8', transcode: true },
};

/** Bytes in `encoding` → UTF-8 bytes, for COPY. */
export function toUtf8(encoding: FileEncoding): Transform {
  const decode = decoderFor(encoding);
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      callback(null, Buffer.from(decode(chunk, false), 'utf8'));
    },
    flush(callback) {
      callback(null, Buffer.from(decode(Buffer.alloc(0), true), 'utf8'));
    },
  });
}

type Decode = (bytes: Buffer, final: boolean) => string;

/**
 * A decoder for one file. UTF-8 is decoded strictly: a byte sequence that is not UTF-8 (a latin1 file read as
 * UTF-8) throws instead of becoming U+FFFD, so no value is silently changed.
 */
function decoderFor(encoding: FileEncoding): Decode {
  if (encoding === 'latin1') return (bytes) => bytes.toString('latin1');
  // WHATWG's 'latin1' label means windows-1252 too, which is why latin1 above does not use TextDecoder
  const decoder = new TextDecoder(encoding === 'utf8' ? 'utf-8' : 'windows-1252', { fatal: true });
  return (bytes, final) => decoder.decode(bytes, { stream: !final });
}

/** Streams a file as text in its encoding; bytes that are not valid UTF-8 fail naming the file and line. */
export async function* readText(
  file: string,
  shown: string,
  encoding: FileEncoding,
  chunkBytes: number,
): AsyncGenerator<string> {
  const decode = decoderFor(encoding);
  const stream = createReadStream(file, { highWaterMark: chunkBytes });
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      const text = decodeOrFail(decode, chunk, false);
      if (text === null) throw await notUtf8(file, shown);
      if (text) yield text;
    }
    const rest = decodeOrFail(decode, Buffer.alloc(0), true);
    if (rest === null) throw await notUtf8(file, shown);
    if (rest) yield rest;
  } finally {
    stream.destroy();
  }
}

/** A whole (small) file as text; see readText. */
export async function decodeWhole(
  bytes: Buffer,
  file: string,
  shown: string,
  encoding: FileEncoding,
): Promise<string> {
  const text = decodeOrFail(decoderFor(encoding), bytes, true);
  if (text === null) throw await notUtf8(file, shown);
  return text;
}

function decodeOrFail(decode: Decode, bytes: Buffer, final: boolean): string | null {
  try {
    return decode(bytes, final);
  } catch (error) {
    if (error instanceof TypeError) return null;
    throw error;
  }
}

async function notUtf8(file: string, shown: string): Promise<InputError> {
  return new InputError(
    shown,
    await firstInvalidUtf8Line(file),
    'is not valid UTF-8; if the file is in another encoding, set encoding (latin1 or windows-1252) on the source',
  );
}

/**
 * The first line holding bytes that are not UTF-8. A multi-byte sequence never contains a newline byte, so
 * each line can be checked on its own. Read again from the start: this only runs once decoding has failed.
 */
async function firstInvalidUtf8Line(file: string): Promise<number | null> {
  let line = 1;
  let carry = Buffer.alloc(0);
  for await (const chunk of createReadStream(file) as AsyncIterable<Buffer>) {
    const buf = carry.length ? Buffer.concat([carry, chunk]) : chunk;
    let start = 0;
    for (let nl = buf.indexOf(0x0a); nl !== -1; nl = buf.indexOf(0x0a, start)) {
      if (!isUtf8(buf.subarray(start, nl))) return line;
      line++;
      start = nl + 1;
    }
    carry = Buffer.from(buf.subarray(start));
  }
  return isUtf8(carry) ? null : line;
}

const EMPTY_PROBE = 64 * 1024;

/** No content: 0 bytes, or nothing but whitespace, newlines and a byte order mark. */
export async function isEmptyFile(file: string): Promise<boolean> {
  const handle = await open(file);
  try {
    const { size } = await handle.stat();
    if (size === 0) return true;
    if (size > EMPTY_PROBE) return false;
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(size), 0, size, 0);
    return (
      buffer
        .subarray(0, bytesRead)
        .toString('latin1')
        .replace(/^\xEF\xBB\xBF/, '')
        .trim() === ''
    );
  } finally {
    await handle.close();
  }
}
