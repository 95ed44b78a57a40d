import { describe, expect, it } from 'vitest';
import {
  TRIGGER_RULES,
  evaluateTriggerRule,
  type UpstreamState,
  type UpstreamTask,
} from '../../src/core/trigger-rules.js';
import type { TriggerRule } from '../../src/core/types.js';

const up = (...states: UpstreamState[]): UpstreamTask[] =>
  states.map((state, i) => ({
    name: `u${i}`,
    state,
    ...(state === 'skipped' ? { skipComplete: true } : {}),
  }));

/** What each rule decides once its upstream tasks have finished (Airflow's trigger_rule_dep.py). */
const finished: Array<[string, UpstreamState[], Record<TriggerRule, string>]> = [
  [
    'all succeeded',
    ['success', 'success'],
    {
      all_success: 'run',
      all_done: 'run',
      all_failed: 'skipped',
      one_failed: 'skipped',
      one_success: 'run',
      none_failed: 'run',
      none_failed_min_one_success: 'run',
      always: 'run',
    },
  ],
  [
    'one failed, one succeeded',
    ['success', 'failed'],
    {
      all_success: 'upstream_failed',
      all_done: 'run',
      all_failed: 'skipped',
      one_failed: 'run',
      one_success: 'run',
      none_failed: 'upstream_failed',
      none_failed_min_one_success: 'upstream_failed',
      always: 'run',
    },
  ],
  [
    'all failed (or upstream_failed)',
    ['failed', 'upstream_failed'],
    {
      all_success: 'upstream_failed',
      all_done: 'run',
      all_failed: 'run',
      one_failed: 'run',
      one_success: 'upstream_failed',
      none_failed: 'upstream_failed',
      none_failed_min_one_success: 'upstream_failed',
      always: 'run',
    },
  ],
  [
    'all skipped',
    ['skipped', 'skipped'],
    {
      all_success: 'skipped',
      all_done: 'run',
      all_failed: 'skipped',
      one_failed: 'skipped',
      one_success: 'skipped',
      none_failed: 'run',
      none_failed_min_one_success: 'skipped',
      always: 'run',
    },
  ],
  [
    'one skipped, one succeeded',
    ['skipped', 'success'],
    {
      all_success: 'skipped',
      all_done: 'run',
      all_failed: 'skipped',
      one_failed: 'skipped',
      one_success: 'run',
      none_failed: 'run',
      none_failed_min_one_success: 'run',
      always: 'run',
    },
  ],
  [
    'one skipped, one failed',
    ['skipped', 'failed'],
    {
      all_success: 'upstream_failed',
      all_done: 'run',
      all_failed: 'skipped',
      one_failed: 'run',
      one_success: 'upstream_failed',
      none_failed: 'upstream_failed',
      none_failed_min_one_success: 'upstream_failed',
      always: 'run',
    },
  ],
];

describe('trigger rules', () => {
  it('has every rule of Airflow this runner supports, all_success first', () => {
    expect(TRIGGER_RULES).toEqual([
      'all_success',
      'all_done',
      'all_failed',
      'one_failed',
      'one_success',
      'none_failed',
      'none_failed_min_one_success',
      'always',
    ]);
  });

  it.each(finished)('decides each rule when %s', (_case, states, expected) => {
    const decided = Object.fromEntries(
      TRIGGER_RULES.map((rule) => [rule, evaluateTriggerRule(rule, up(...states)).kind]),
    );
    expect(decided).toEqual(expected);
  });

  it('waits while an upstream task runs, except one_success / one_failed once met, and always', () => {
    const waiting = (states: UpstreamState[]) =>
      TRIGGER_RULES.filter((rule) => evaluateTriggerRule(rule, up(...states)).kind === 'wait');
    expect(waiting(['success', 'pending'])).toEqual([
      'all_success',
      'all_done',
      'all_failed',
      'one_failed',
      'none_failed',
      'none_failed_min_one_success',
    ]);
    expect(waiting(['failed', 'pending'])).toEqual([
      'all_success',
      'all_done',
      'all_failed',
      'one_success',
      'none_failed',
      'none_failed_min_one_success',
    ]);
  });

  it('runs a task without upstream tasks whatever its rule', () => {
    for (const rule of TRIGGER_RULES) expect(evaluateTriggerRule(rule, []).kind).toBe('run');
  });

  it('says why, and whether a skip leaves the run complete', () => {
    expect(evaluateTriggerRule('all_success', up('success', 'failed'))).toEqual({
      kind: 'upstream_failed',
      reason: 'upstream task(s) did not succeed: u1',
    });
    // the expected skip of a task that waits for failures loses nothing
    expect(evaluateTriggerRule('one_failed', up('success'))).toEqual({
      kind: 'skipped',
      skip: { reason: 'trigger rule one_failed: no upstream task failed', complete: true },
    });
    // an inherited skip is complete only if every upstream skip was
    const undeclared: UpstreamTask[] = [
      { name: 'a', state: 'skipped', skipComplete: true },
      { name: 'b', state: 'skipped', skipComplete: false },
    ];
    expect(evaluateTriggerRule('all_success', undeclared)).toEqual({
      kind: 'skipped',
      skip: { reason: 'upstream task(s) were skipped: a, b', complete: false },
    });
    expect(evaluateTriggerRule('all_success', up('skipped'))).toMatchObject({ skip: { complete: true } });
  });
});
