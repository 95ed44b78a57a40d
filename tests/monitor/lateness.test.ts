import { describe, expect, it } from 'vitest';
import { assessLateness, graceFor, MIN_GRACE_MS } from '../../src/monitor/lateness.js';
import { projectTrends } from '../../src/monitor/run-stats.js';
import type { RunSummary } from '../../src/monitor/run-history.js';

const at = (iso: string) => new Date(iso);
const daily3am = (now: string, lastSuccessStart: string | null, runningSince: string | null = null) =>
  assessLateness({
    schedule: '0 3 * * *',
    lastSuccessStart: lastSuccessStart ? at(lastSuccessStart) : null,
    runningSince: runningSince ? at(runningSince) : null,
    now: at(now),
    graceMs: 15 * 60_000,
  });

describe('monitor: lateness against the schedule (cron, UTC)', () => {
  it('is on time when a successful run started at or after the latest due time', () => {
    const l = daily3am('2026-11-22T10:00:00Z', '2026-11-22T03:00:02Z');
    expect(l.state).toBe('on_time');
    expect(l.due).toEqual(at('2026-11-22T03:00:00Z'));
    expect(l.next).toEqual(at('2026-11-23T03:00:00Z'));
  });

  it('is late once the grace period after the due time has passed without a successful run', () => {
    const l = daily3am('2026-11-22T10:00:00Z', '2026-11-21T03:00:05Z');
    expect(l.state).toBe('late');
    expect(l.lateByMs).toBe(7 * 3_600_000);
  });

  it('is waiting inside the grace period, and running when the due run is in progress', () => {
    expect(daily3am('2026-11-22T03:10:00Z', '2026-11-21T03:00:05Z').state).toBe('waiting');
    expect(daily3am('2026-11-22T05:00:00Z', '2026-11-21T03:00:05Z', '2026-11-22T03:00:01Z').state).toBe(
      'running',
    );
  });

  it('counts a fire time exactly at now as due', () => {
    expect(daily3am('2026-11-22T03:00:00Z', '2026-11-21T03:00:00Z').due).toEqual(at('2026-11-22T03:00:00Z'));
  });

  it('reports projects that never succeeded, have no schedule, or an invalid one', () => {
    expect(daily3am('2026-11-22T10:00:00Z', null).state).toBe('never_succeeded');
    const base = { lastSuccessStart: null, runningSince: null, now: at('2026-11-22T10:00:00Z'), graceMs: 0 };
    expect(assessLateness({ ...base, schedule: undefined }).state).toBe('unscheduled');
    const invalid = assessLateness({ ...base, schedule: '61 * * * *' });
    expect(invalid.state).toBe('invalid_schedule');
    expect(invalid.reason).toContain("'61 * * * *'");
  });

  it('gives slow projects a grace of twice their usual duration, at least 15 minutes', () => {
    expect(graceFor(null)).toBe(MIN_GRACE_MS);
    expect(graceFor(60_000)).toBe(MIN_GRACE_MS);
    expect(graceFor(3_600_000)).toBe(7_200_000);
  });
});

function runs(specs: [status: RunSummary['status'], durationMs: number, records: number][]): RunSummary[] {
  return specs.map(([status, durationMs, records], i) => ({
    runId: specs.length - i,
    project: 'p',
    environment: 'local',
    version: '1',
    status,
    loadType: 'I',
    kind: 'full',
    selectedTasks: null,
    windowStart: at('2026-01-01T00:00:00Z'),
    windowEnd: at('2026-01-02T00:00:00Z'),
    startedAt: at('2026-01-02T00:00:00Z'),
    endedAt: at('2026-01-02T00:00:00Z'),
    durationMs,
    records,
    errorMessage: null,
    host: 'h',
    pid: 1,
    heartbeatAt: at('2026-01-02T00:00:00Z'),
    heartbeatMs: null,
    gitSha: null,
    targetTable: null,
    resumedFrom: null,
  }));
}

describe('monitor: duration and volume trends (newest runs first)', () => {
  it('flags a slowdown when the latest successful runs take much longer than the ones before', () => {
    const t = projectTrends(
      runs([
        ['success', 30_000, 100],
        ['success', 32_000, 100],
        ['success', 31_000, 100],
        ['success', 10_000, 100],
        ['success', 11_000, 100],
        ['success', 9_000, 100],
        ['success', 10_500, 100],
      ]),
    );
    expect(t.duration.recent).toBe(31_000);
    expect(t.duration.baseline).toBe(10_250);
    expect(t.duration.slowingDown).toBe(true);
    expect(t.records.change).toBeNull();
  });

  it('ignores failed runs, and needs enough history before judging', () => {
    const t = projectTrends(
      runs([
        ['failed', 99_000, 0],
        ['success', 1_000, 10],
        ['success', 1_000, 10],
      ]),
    );
    expect(t.successfulRuns).toBe(2);
    expect(t.duration.baseline).toBeNull();
    expect(t.duration.slowingDown).toBe(false);
  });

  it('flags a volume drop and a volume spike', () => {
    const drop = projectTrends(
      runs([
        ['success', 1000, 10],
        ['success', 1000, 12],
        ['success', 1000, 9],
        ['success', 1000, 100],
        ['success', 1000, 110],
        ['success', 1000, 90],
      ]),
    );
    expect(drop.records.change).toBe('drop');
    const spike = projectTrends(
      runs([
        ['success', 1000, 500],
        ['success', 1000, 480],
        ['success', 1000, 520],
        ['success', 1000, 100],
        ['success', 1000, 110],
        ['success', 1000, 90],
      ]),
    );
    expect(spike.records.change).toBe('spike');
  });

  it('does not call a small absolute change in a fast project a slowdown', () => {
    const t = projectTrends(
      runs([
        ['success', 300, 1],
        ['success', 300, 1],
        ['success', 300, 1],
        ['success', 100, 1],
        ['success', 100, 1],
        ['success', 100, 1],
      ]),
    );
    expect(t.duration.ratio).toBe(3);
    expect(t.duration.slowingDown).toBe(false);
  });
});
