import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createConnectorRegistry } from '../../src/connectors/registry.js';
import type { Connector } from '../../src/core/types.js';
import { collectRows, extractContext } from '../helpers/connector-context.js';
import { failure } from '../helpers/failure.js';

const home = mkdtempSync(path.join(os.tmpdir(), 'dwh-files-'));
mkdirSync(path.join(home, 'landing'));
const write = (name: string, content: string | Buffer) =>
  writeFileSync(path.join(home, 'landing', name), content);

write('orders_2026-01-01.csv', 'id,name,amount\r\n1,"Smith, Ann",10.5\r\n2,"say ""hi""",\r\n');
write('orders_2026-01-02.csv', 'id,name,amount\n3,"two\nlines",7\n');
write('semicolon.csv', Buffer.from('id;name\n1;Müller\n', 'latin1'));
write(
  'items.json',
  JSON.stringify([
    { id: 1, tags: ['a'] },
    { id: 2, extra: true },
  ]),
);
write('events.ndjson', '{"id":1}\n\n{"id":2,"kind":"x"}\n');
write('unclosed.csv', 'id,name\n1,ok\n2,"never closed\n3,x\n');
write('columns.csv', 'id,name\n1,a\n2,b,c\n');
write('broken.ndjson', '{"id":1}\n{"id":\n');

function files(extra: Record<string, unknown> = {}): Promise<Connector> {
  return createConnectorRegistry({
    section: { landing: { kind: 'file', dir: 'landing', ...extra } },
    file: 'config/dwh.yaml',
    environment: 'test',
    home,
  }).get('landing');
}

describe('connectors: file', () => {
  it('reads a glob of CSV files in name order with quotes, CRLF and quoted newlines; an empty field is null', async () => {
    const { ctx } = extractContext();
    const rows = await collectRows(await (await files()).extract('orders_*.csv', ctx));
    expect(rows).toEqual([
      { id: '1', name: 'Smith, Ann', amount: '10.5' },
      { id: '2', name: 'say "hi"', amount: null },
      { id: '3', name: 'two\nlines', amount: '7' },
    ]);
  });

  it('keeps the file and line of every row for error messages', async () => {
    const { ctx } = extractContext();
    const source = await (await files()).extract('orders_*.csv', ctx);
    const seen: string[] = [];
    if (source.kind === 'rows')
      for await (const b of source.batches) seen.push(...b.lines!.map((l) => `${b.source}:${l}`));
    expect(seen).toEqual(['orders_2026-01-01.csv:2', 'orders_2026-01-01.csv:3', 'orders_2026-01-02.csv:2']);
  });

  it('honours delimiter and encoding options', async () => {
    const { ctx } = extractContext();
    const rows = await collectRows(
      await (await files()).extract({ path: 'semicolon.csv', delimiter: ';', encoding: 'latin1' }, ctx),
    );
    expect(rows).toEqual([{ id: '1', name: 'Müller' }]);
  });

  it('offers CSV files as bytes for the pass-through path', async () => {
    const { ctx } = extractContext();
    const source = await (await files()).extract('orders_*.csv', ctx, { prefer: 'bytes' });
    expect(source).toMatchObject({
      kind: 'bytes',
      format: 'csv',
      header: true,
      delimiter: ',',
      encoding: 'UTF8',
    });
  });

  it('reads JSON arrays and NDJSON (blank lines skipped), columns the union of keys', async () => {
    const { ctx } = extractContext();
    expect(await collectRows(await (await files()).extract('items.json', ctx))).toEqual([
      { id: 1, tags: ['a'], extra: undefined },
      { id: 2, tags: undefined, extra: true },
    ]);
    expect(await collectRows(await (await files()).extract('events.ndjson', ctx))).toEqual([
      { id: 1, kind: undefined },
      { id: 2, kind: 'x' },
    ]);
  });

  it('an unclosed quote names the file and the line where the field starts', async () => {
    const { ctx } = extractContext();
    const error = await failure(collectRows(await (await files()).extract('unclosed.csv', ctx)));
    expect(error.message).toBe(
      'unclosed.csv line 3: unclosed quote (the quoted field starting here never ends)',
    );
  });

  it('a wrong column count names the file and the line', async () => {
    const { ctx } = extractContext();
    const error = await failure(collectRows(await (await files()).extract('columns.csv', ctx)));
    expect(error.message).toBe('columns.csv line 3: expected 2 fields, found 3');
  });

  it('broken NDJSON names the file and the line', async () => {
    const { ctx } = extractContext();
    const error = await failure(collectRows(await (await files()).extract('broken.ndjson', ctx)));
    expect(error.message).toMatch(/^connector 'landing': broken\.ndjson line 2: not valid JSON/);
  });

  it('a pattern that matches nothing is an error', async () => {
    const { ctx } = extractContext();
    await expect((await files()).extract('nothing_*.csv', ctx)).rejects.toThrow(
      /no file matches nothing_\*\.csv in landing\//,
    );
    await expect((await files()).extract('nothing.csv', ctx)).rejects.toThrow(/file nothing\.csv not found/);
  });

  it('a folder that does not exist fails when the connector opens', async () => {
    await expect(files({ dir: 'nope' })).rejects.toThrow(/connector 'landing': folder nope does not exist/);
  });
});

describe('connectors: configuration', () => {
  const registry = (section: unknown) =>
    createConnectorRegistry({ section, file: 'config/dwh.yaml', environment: 'local', home });

  it('an unknown connector lists the known ones', async () => {
    await expect(registry({ landing: { kind: 'file' } }).get('crm')).rejects.toThrow(
      'config/dwh.yaml: environments.local.connectors: unknown connector; known: landing (got "crm")',
    );
  });

  it('a bad option names the key and the value', async () => {
    await expect(registry({ api: { kind: 'http', baseUrl: 'x', timeoutMs: -1 } }).get('api')).rejects.toThrow(
      /config\/dwh\.yaml: environments\.local\.connectors\.api\.baseUrl: .*\(got "x"\)/,
    );
    await expect(registry({ db: { kind: 'oracle' } }).get('db')).rejects.toThrow(
      /environments\.local\.connectors\.db\.kind/,
    );
  });

  it.each(['postgres', 'mysql'])('maxConnections below 1 is refused for a %s connector', async (kind) => {
    await expect(
      registry({ crm: { kind, url: 'x://unused', maxConnections: 0 } }).get('crm'),
    ).rejects.toThrow(
      /^config\/dwh\.yaml: environments\.local\.connectors\.crm\.maxConnections: .*>=1.* \(got 0\)$/,
    );
  });
});
