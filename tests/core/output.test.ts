import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { createOutputWriter } from '../../src/core/output.js';
import { failure } from '../helpers/failure.js';

const run = promisify(execFile);
const prlimit = ['/usr/bin/prlimit', '/bin/prlimit'].find((p) => existsSync(p));
const dist = pathToFileURL(path.resolve('dist/core/output.js')).href;

describe('ctx.output: a CSV that cannot be written completely is not left behind', () => {
  const dirs: string[] = [];
  const folder = () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'dwh-output-'));
    dirs.push(dir);
    return dir;
  };
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it.skipIf(!prlimit)(
    'a write past the file size limit (as on a full disk) fails and removes the partial file',
    async () => {
      const dir = folder();
      // a real process under RLIMIT_FSIZE: writes past 64 KB fail with EFBIG, as they would on a full disk
      const script = `
        import { createOutputWriter } from ${JSON.stringify(dist)};
        const rows = Array.from({ length: 20000 }, (_, i) => ({ id: i, note: 'x'.repeat(40) }));
        try {
          await createOutputWriter(${JSON.stringify(dir)}).writeCsv(rows, 'export');
          console.log('written');
        } catch (error) {
          console.log('failed:', error.code);
        }`;
      const { stdout } = await run(prlimit!, [
        '--fsize=65536',
        process.execPath,
        '--input-type=module',
        '-e',
        script,
      ]);
      expect(stdout.trim()).toBe('failed: EFBIG');
      expect(readdirSync(dir)).toEqual([]);
    },
  );

  it('a source that fails half-way through the rows removes the partial file', async () => {
    const dir = folder();
    async function* rows() {
      for (let i = 0; i < 50_000; i++) {
        if (i % 10_000 === 0) await Promise.resolve();
        yield { id: i, note: 'y'.repeat(40) };
      }
      throw new Error('source connection lost');
    }
    const output = createOutputWriter(dir);
    const error = await failure(output.writeCsv(rows(), 'export'));
    expect(error.message).toBe('source connection lost');
    expect(readdirSync(dir)).toEqual([]);
    expect(output.files).toEqual([]);
  });
});
