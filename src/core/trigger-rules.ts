import type { TriggerRule } from './types.js';

/**
 * Trigger rules decide when a task runs from the states of its upstream tasks, with Airflow's names and
 * meaning (airflow/ti_deps/deps/trigger_rule_dep.py):
 * - all_success (default): every upstream succeeded; else upstream_failed if one failed, else skipped;
 * - all_done: every upstream finished, whatever its state;
 * - all_failed: every upstream failed or is upstream_failed; else skipped;
 * - one_failed: one upstream failed, without waiting for the others; skipped once all finished without one;
 * - one_success: one upstream succeeded, without waiting; else skipped if all were skipped, else
 *   upstream_failed;
 * - none_failed: no upstream failed (skipped is fine); else upstream_failed;
 * - none_failed_min_one_success: no upstream failed and one succeeded; else upstream_failed, or skipped when
 *   all were skipped;
 * - always: at once, without waiting for the upstream tasks.
 *
 * Two choices of ours: a `disabled` upstream counts as a success (as it always has: disabling a task does not
 * stop what follows it); and a task that will not run is decided only once all its upstream tasks have
 * finished (Airflow may decide earlier), so its status never depends on which upstream task ended first.
 * A task without upstream tasks runs, whatever its rule.
 */

/** The state of one upstream task as a trigger rule sees it. */
export type UpstreamState = 'success' | 'skipped' | 'failed' | 'upstream_failed' | 'pending';

export interface UpstreamTask {
  name: string;
  state: UpstreamState;
  /** For a skipped upstream: whether its skip leaves the run complete (see TaskSkip). */
  skipComplete?: boolean;
}

/**
 * Why a task was skipped. `complete`: the skip loses no data, so it does not make the run partial — a skip
 * declared "nothing to do", or the expected skip of a task that waits for failures (one_failed, all_failed)
 * in a run without any. A skip inherited from skipped upstream tasks is complete only if all of theirs are.
 */
export interface TaskSkip {
  reason: string;
  complete: boolean;
}

export type RuleDecision =
  | { kind: 'wait' }
  | { kind: 'run' }
  | { kind: 'skipped'; skip: TaskSkip }
  | { kind: 'upstream_failed'; reason: string };

interface Upstreams {
  all: readonly UpstreamTask[];
  done: boolean;
  succeeded: readonly UpstreamTask[];
  skipped: readonly UpstreamTask[];
  failed: readonly UpstreamTask[];
}

const WAIT: RuleDecision = { kind: 'wait' };
const RUN: RuleDecision = { kind: 'run' };

const names = (tasks: readonly UpstreamTask[]) => tasks.map((t) => t.name).join(', ');

/** Skipped because upstream tasks were: complete when every one of their skips was. */
function inherited(u: Upstreams, reason: string): RuleDecision {
  return {
    kind: 'skipped',
    skip: { reason, complete: u.skipped.every((t) => t.skipComplete === true) },
  };
}

/** The task's condition did not hold in a run without failures: its skip is expected and loses nothing. */
function conditionNotMet(reason: string): RuleDecision {
  return { kind: 'skipped', skip: { reason, complete: true } };
}

function upstreamFailed(reason: string): RuleDecision {
  return { kind: 'upstream_failed', reason };
}

const RULES: Record<TriggerRule, (u: Upstreams) => RuleDecision> = {
  all_success: (u) => {
    if (!u.done) return WAIT;
    if (u.failed.length) return upstreamFailed(`upstream task(s) did not succeed: ${names(u.failed)}`);
    if (u.skipped.length) return inherited(u, `upstream task(s) were skipped: ${names(u.skipped)}`);
    return RUN;
  },
  all_done: (u) => (u.done ? RUN : WAIT),
  all_failed: (u) => {
    if (!u.done) return WAIT;
    const notFailed = u.all.filter((t) => t.state !== 'failed' && t.state !== 'upstream_failed');
    if (notFailed.length)
      return conditionNotMet(`trigger rule all_failed: upstream task(s) did not fail: ${names(notFailed)}`);
    return RUN;
  },
  one_failed: (u) => {
    if (u.failed.length) return RUN;
    if (!u.done) return WAIT;
    return conditionNotMet('trigger rule one_failed: no upstream task failed');
  },
  one_success: (u) => {
    if (u.succeeded.length) return RUN;
    if (!u.done) return WAIT;
    if (u.skipped.length === u.all.length)
      return inherited(u, `trigger rule one_success: all upstream tasks were skipped: ${names(u.skipped)}`);
    return upstreamFailed(`trigger rule one_success: no upstream task succeeded (${names(u.all)})`);
  },
  none_failed: (u) => {
    if (!u.done) return WAIT;
    if (u.failed.length) return upstreamFailed(`upstream task(s) failed: ${names(u.failed)}`);
    return RUN;
  },
  none_failed_min_one_success: (u) => {
    if (!u.done) return WAIT;
    if (u.failed.length) return upstreamFailed(`upstream task(s) failed: ${names(u.failed)}`);
    if (u.skipped.length === u.all.length)
      return inherited(
        u,
        `trigger rule none_failed_min_one_success: all upstream tasks were skipped: ${names(u.skipped)}`,
      );
    return RUN;
  },
  always: () => RUN,
};

/** Every trigger rule, in the order of the table above. */
export const TRIGGER_RULES = Object.keys(RULES) as [TriggerRule, ...TriggerRule[]];

/** What a task with this rule does now, given its upstream tasks (unselected ones left out). */
export function evaluateTriggerRule(rule: TriggerRule, upstream: readonly UpstreamTask[]): RuleDecision {
  if (upstream.length === 0) return RUN;
  return RULES[rule]({
    all: upstream,
    done: upstream.every((t) => t.state !== 'pending'),
    succeeded: upstream.filter((t) => t.state === 'success'),
    skipped: upstream.filter((t) => t.state === 'skipped'),
    failed: upstream.filter((t) => t.state === 'failed' || t.state === 'upstream_failed'),
  });
}
