import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadValidationFile } from '../../src/index.js';

describe('quality: metadata/validation.yaml', () => {
  let dir: string;
  const write = (text: string) => writeFileSync(path.join(dir, 'metadata', 'validation.yaml'), text);
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'dwh-validation-'));
    mkdirSync(path.join(dir, 'metadata'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reads checks with the constructor options, type naming the kind', () => {
    write(`checks:
  - type: unique
    table: sales.orders
    columns: [order_id, line]
    severity: warn
  - type: freshness
    table: orders
    column: loaded_at
    errorAfter: 2d
`);
    expect(loadValidationFile(dir)).toEqual([
      { kind: 'unique', table: 'sales.orders', columns: ['order_id', 'line'], severity: 'warn' },
      { kind: 'freshness', table: 'orders', column: 'loaded_at', errorAfter: '2d' },
    ]);
  });

  it('names the entry and key of an unknown type, an unknown option and a bad value', () => {
    write('checks:\n  - type: not_nul\n    table: t\n');
    expect(() => loadValidationFile(dir)).toThrow(
      /metadata\/validation\.yaml: checks\[0\]\.type: must be one of not_null, unique, .*expression \(got "not_nul"\)/,
    );
    write('checks:\n  - type: row_count\n    table: t\n    min: 1\n    colour: red\n');
    expect(() => loadValidationFile(dir)).toThrow(/checks\[0\]: unknown key\(s\) 'colour'/);
    write('checks:\n  - type: freshness\n    table: t\n    column: c\n    warnAfter: soon\n');
    expect(() => loadValidationFile(dir)).toThrow(
      /checks\[0\]\.warnAfter: must be a duration like '30m', '36h' or '2d' \(got "soon"\)/,
    );
  });

  it('reports invalid YAML with its line, and a file without a checks list', () => {
    write('checks:\n  - type: unique\n   table: [\n');
    expect(() => loadValidationFile(dir)).toThrow(/metadata\/validation\.yaml: line \d+: invalid YAML/);
    write('tests: []\n');
    expect(() => loadValidationFile(dir)).toThrow(
      /metadata\/validation\.yaml: checks: must be a list of checks/,
    );
  });
});
