import { describe, expect, it } from 'vitest';
import { partial, task } from '../../src/core/task.js';
import { isChecksTask, runChecks } from '../../src/quality/run-checks.js';
import { notNull } from '../../src/quality/constructors.js';

describe('isChecksTask: the task kind runChecks marks, kept by partial', () => {
  it('finds runChecks itself and runChecks bound by partial', () => {
    expect(isChecksTask(task('validate', runChecks))).toBe(true);
    expect(
      isChecksTask(task('checks', partial(runChecks, [notNull({ table: 'orders', columns: ['id'] })]))),
    ).toBe(true);
  });

  it('does not go by the name of the function', () => {
    const runChecksLookalike = async function runChecks() {};
    expect(isChecksTask(task('load', runChecksLookalike))).toBe(false);
    expect(isChecksTask(task('load', partial(runChecksLookalike)))).toBe(false);
  });

  it('reads the mark another copy of dwh made (project files load their own): a Symbol.for key', () => {
    const fromOtherCopy = async () => {};
    Object.defineProperty(fromOtherCopy, Symbol.for('dwh.task-kind'), { value: 'checks' });
    expect(isChecksTask(task('checks', fromOtherCopy))).toBe(true);
    expect(isChecksTask(task('checks', partial(fromOtherCopy)))).toBe(true);
  });
});
