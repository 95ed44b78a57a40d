import { describe, expect, it } from 'vitest';
import { partial, task } from '../../src/core/task.js';
import {
  ChecksFailedError,
  isChecksFailedError,
  isChecksTask,
  runChecks,
} from '../../src/quality/run-checks.js';
import { CheckCannotRunError } from '../../src/quality/types.js';
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

describe('isChecksFailedError: a failed checks task is known by its brand, not its shape', () => {
  it('recognises a ChecksFailedError and no other error of the checks subsystem', () => {
    expect(isChecksFailedError(new ChecksFailedError([], []))).toBe(true);
    expect(isChecksFailedError(new CheckCannotRunError('table public.orders does not exist'))).toBe(false);
    const lookalike = Object.assign(new Error('2 blocking check(s) failed'), { code: 'CHECK', results: [] });
    expect(isChecksFailedError(lookalike)).toBe(false);
  });

  it("reads the brand of another copy of dwh's ChecksFailedError", () => {
    const fromOtherCopy = Object.assign(new Error('1 blocking check(s) failed'), {
      [Symbol.for('dwh.checks-failed')]: true,
    });
    expect(isChecksFailedError(fromOtherCopy)).toBe(true);
  });
});
