import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createRunLogger } from '../../src/logging/logger.js';

const hasDevFull = existsSync('/dev/full');

describe.runIf(hasDevFull)('logging: a run log that cannot be written', () => {
  it('reports the first write error (ENOSPC on a full disk) once and goes on without the file', () => {
    const errors: Error[] = [];
    // /dev/full answers every write with ENOSPC, as a full disk does
    const log = createRunLogger({ file: '/dev/full', console: false, onFileError: (e) => errors.push(e) });
    log.info('first line');
    log.info('second line');
    expect(errors.map((e) => (e as NodeJS.ErrnoException).code)).toEqual(['ENOSPC']);
  });
});
