import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyLogRetention } from '../../src/logging/retention.js';
import {
  byLogStart,
  logDir,
  newLogFile,
  tailRunLog,
  runLogSize,
  readRunLog,
} from '../../src/logging/run-log.js';
import { auditOf, runFixture } from '../helpers/run-fixture.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-databases.js';

describe('logging: secrets never reach logs or the audit table', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase('embedded', 'log-secrets');
  });
  afterAll(async () => {
    await db.drop();
  });

  it('masks passwords, tokens and URL credentials in the log file, parameters and error_message', async () => {
    const report = await runFixture(db, 'secrets', { endDate: new Date('2026-02-01T00:00:00Z') });
    expect(report.status).toBe('failed');
    const log = readFileSync(report.logFile!, 'utf8');
    expect(log).toContain('connecting to postgres://loader:***@db.internal:5432/crm');
    expect(log).not.toContain('pw-very-secret');
    expect(log).not.toContain('tok-abcdef123456');

    const { run, attempts } = await auditOf(db, report.runId!);
    expect(run.parameters).toMatchObject({
      settings: {
        apiToken: '***',
        sourceUrl: 'postgres://loader:***@db.internal:5432/crm',
        region: 'eu-west',
      },
    });
    expect(JSON.stringify(run)).not.toContain('pw-very-secret');
    expect(attempts[0]!.error_message).toBe(
      'login failed for postgres://loader:***@db.internal:5432/crm with password=***',
    );
  });
});

describe('logging: run logs, retention and output files', () => {
  let db: TestDatabase;
  const reports: Awaited<ReturnType<typeof runFixture>>[] = [];
  beforeAll(async () => {
    db = await createTestDatabase('embedded', 'log-retention');
    for (const end of ['2026-01-10', '2026-01-20', '2026-01-30']) {
      reports.push(
        await runFixture(db, 'retention', { endDate: new Date(`${end}T00:00:00Z`), loadType: 'F' }),
      );
    }
  });
  afterAll(async () => {
    await db.drop();
  });

  it('writes one JSON-lines log per run under metadata/<project>/logs', () => {
    const lines = readRunLog(reports[2]!.logFile!).trim().split('\n');
    const records = lines.map((line) => JSON.parse(line) as { msg: string; runId: number; project: string });
    expect(records.every((r) => r.project === 'retention' && r.runId === reports[2]!.runId)).toBe(true);
    expect(records.map((r) => r.msg)).toContainEqual(expect.stringMatching(/^run \d+ success: 1 records$/));
    expect(records.map((r) => r.msg)).toContain('log retention: deleted 1 old log file(s)');
    expect(runLogSize(reports[2]!.logFile!)).toBeGreaterThan(100);
  });

  it('keeps only the newest runs when logRetention.runs is set', () => {
    const logs = readdirSync(path.dirname(reports[2]!.logFile!));
    expect(logs).toHaveLength(2);
    expect(logs).toContain(path.basename(reports[2]!.logFile!));
  });

  it("deletes the run's output files when keepOutput is false", () => {
    const dir = path.join(db.metadataDir, 'retention', 'output');
    expect(existsSync(dir) ? readdirSync(dir) : []).toEqual([]);
  });

  it('formats the tail of a log as readable lines, capped in size', () => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'dwh-tail-')), 'x_etl.log');
    const at = Date.UTC(2026, 10, 22, 6, 0, 0);
    const records = [
      { level: 30, time: at, msg: 'run 7 started' },
      { level: 40, time: at + 1000, task: 'load', msg: 'attempt 1 failed' },
      { level: 50, time: at + 2000, task: 'load', msg: 'failed', err: { message: 'boom' } },
    ];
    writeFileSync(file, `${records.map((r) => JSON.stringify(r)).join('\n')}\n{"partial`);
    expect(tailRunLog(file, 3).split('\n')).toEqual([
      '2026-11-22T06:00:01.000Z WARN  [load] attempt 1 failed',
      '2026-11-22T06:00:02.000Z ERROR [load] failed — boom',
      '{"partial',
    ]);
    expect(Buffer.byteLength(tailRunLog(file, 100, 64))).toBeLessThanOrEqual(70);
    expect(tailRunLog(path.join(path.dirname(file), 'missing.log'))).toBe('');
  });

  it('deletes logs older than logRetention.days', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'dwh-retention-'));
    const now = new Date('2026-11-22T00:00:00Z');
    for (const [name, age] of [
      ['a_etl.log', 40],
      ['b_etl.log', 10],
      ['c_etl.log', 1],
      ['notes.txt', 90],
    ] as const) {
      const file = path.join(dir, name);
      writeFileSync(file, '{}\n');
      const at = new Date(now.getTime() - age * 86_400_000);
      utimesSync(file, at, at);
    }
    expect(applyLogRetention(dir, { days: 30 }, now)).toEqual(['a_etl.log']);
    expect(readdirSync(dir).sort()).toEqual(['b_etl.log', 'c_etl.log', 'notes.txt']);
  });
});

describe('logging: log file names in the order their runs started', () => {
  it('puts a second run of the same second after the first, and later seconds after both', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'dwh-log-order-'));
    mkdirSync(logDir(dir, 'p'), { recursive: true });
    const at = new Date('2026-03-01T10:00:00Z');
    const names: string[] = [];
    for (const when of [at, at, new Date('2026-03-01T10:00:01Z')]) {
      const file = newLogFile(dir, 'p', 'db', when);
      writeFileSync(file, '', { flag: 'wx' });
      names.push(path.basename(file));
    }
    expect(names[1]).toBe('2026-03-01_10-00-00_db_2_etl.log');
    expect([...names].reverse().sort(byLogStart)).toEqual(names);
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads a database hash made only of digits as the database, not as the number of a second run', () => {
    const first = '2026-03-01_10-00-00_12345678_etl.log';
    const second = '2026-03-01_10-00-00_12345678_2_etl.log';
    expect([second, first].sort(byLogStart)).toEqual([first, second]);
  });
});
