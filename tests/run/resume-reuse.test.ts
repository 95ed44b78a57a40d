import { describe, expect, it } from 'vitest';
import type { AttemptRow } from '../../src/audit/task-run-store.js';
import type { AttemptReport } from '../../src/core/reused-task.js';
import { planTasks } from '../../src/core/task-graph.js';
import { task } from '../../src/core/task.js';
import { reusableTasks } from '../../src/run/resume-reuse.js';

const noop = () => undefined;
const report: AttemptReport = {
  dataMinDate: null,
  dataMaxDate: '2026-01-02T00:00:00.000Z',
  byTable: {},
  follow: null,
  skipDownstream: false,
  nothingToDo: false,
  hasValue: false,
};

function row(runId: number, task: string, status: AttemptRow['status'], extra: Partial<AttemptRow> = {}) {
  return {
    run_id: runId,
    task_name: task,
    attempt: 1,
    status,
    started_at: new Date(),
    ended_at: new Date(),
    error_message: null,
    records: 7,
    rejected: 0,
    value: null,
    reported: status === 'success' ? report : null,
    reused_from: null,
    pokes: null,
    ...extra,
  } satisfies AttemptRow;
}

describe('resume: which tasks a resumed run reuses', () => {
  const plan = planTasks('p', [
    task('extract', noop),
    task('load', noop),
    task('cleanup', noop, { dependsOn: ['load'], triggerRule: 'all_done' }),
    task('side', noop, { dependsOn: [] }),
    task('side_after', noop, { dependsOn: ['side'] }),
  ]);

  it('reuses the succeeded tasks, but not one downstream of a task that runs again', () => {
    const reused = reusableTasks(
      plan,
      undefined,
      [1],
      [
        row(1, 'extract', 'success'),
        row(1, 'load', 'failed'),
        row(1, 'cleanup', 'success'),
        row(1, 'side', 'success'),
        row(1, 'side_after', 'up_for_retry'),
        row(1, 'side_after', 'success', { attempt: 2, records: 3 }),
      ],
    );
    expect([...reused.keys()]).toEqual(['extract', 'side', 'side_after']);
    expect(reused.get('side_after')).toEqual({ fromRun: 1, records: 3, value: null, report });
  });

  it('takes the last attempt in the chain, and a reused row for the attempt of the run it names', () => {
    const reused = reusableTasks(
      plan,
      undefined,
      [1, 2],
      [
        row(1, 'extract', 'success'),
        row(1, 'load', 'success'),
        row(2, 'extract', 'success', { records: 0, reused_from: 1 }),
        // a newer row wins: load failed again in run 2
        row(2, 'load', 'failed'),
        // not in run 2 (it crashed before): run 1's success counts
        row(1, 'side', 'success'),
      ],
    );
    expect([...reused].map(([name, r]) => [name, r.fromRun, r.records])).toEqual([
      ['extract', 1, 7],
      ['side', 1, 7],
    ]);
  });

  it('runs again an attempt recorded without its report, and the tasks after it', () => {
    const reused = reusableTasks(
      plan,
      new Set(['extract', 'load']),
      [1],
      [row(1, 'extract', 'success', { reported: null }), row(1, 'load', 'success')],
    );
    expect(reused.size).toBe(0);
  });

  it('reuses what follows a skip decided by the runner, but not what follows a sensor that skipped itself', () => {
    const sensed = planTasks('p', [
      task('wait', noop),
      task('after', noop, { dependsOn: ['wait'], triggerRule: 'all_done' }),
    ]);
    const decided = reusableTasks(
      sensed,
      undefined,
      [1],
      [row(1, 'wait', 'skipped'), row(1, 'after', 'success')],
    );
    expect([...decided.keys()]).toEqual(['after']);
    // a softFail sensor's own skip (its row counts pokes): it pokes again, so 'after' is decided again
    const selfSkipped = reusableTasks(
      sensed,
      undefined,
      [1],
      [row(1, 'wait', 'skipped', { pokes: 3 }), row(1, 'after', 'success')],
    );
    expect(selfSkipped.size).toBe(0);
  });
});
