import { directDownstream } from './branching.js';
import type { PlannedTask } from './task-graph.js';
import {
  evaluateTriggerRule,
  type RuleDecision,
  type TaskSkip,
  type UpstreamState,
  type UpstreamTask,
} from './trigger-rules.js';

/** What a finished task ended as, as far as the tasks after it are concerned. */
export type FinalState = 'success' | 'failed' | 'upstream_failed' | 'disabled' | 'skipped';

/** What to do with a task now. */
export type QueueDecision =
  | { kind: 'run' }
  | { kind: 'disabled' }
  | { kind: 'skipped'; skip: TaskSkip }
  | { kind: 'upstream_failed'; reason: string };

/**
 * The tasks of a run that are still to be decided, in factory order. `take()` returns the first one that
 * can be decided now — started, or recorded as disabled / skipped / upstream_failed — so that tasks start in
 * factory order and, one task at a time, in exactly the planned order. Unselected tasks (`--tasks`) are left
 * out, and so are they from the upstream lists: their dependents do not wait for them. Tasks `succeeded`
 * before the run started (a resumed run reuses them) are not queued: they count as finished with success.
 */
export class ReadyQueue {
  private readonly pending: PlannedTask[];
  private readonly upstream = new Map<string, string[]>();
  private readonly downstream: Map<string, string[]>;
  private readonly finals = new Map<string, { state: FinalState; skip: TaskSkip | null }>();
  /** Skips ordered by a branch or a short-circuit, which win over trigger rules. */
  private readonly forced = new Map<string, TaskSkip>();

  constructor(
    plan: readonly PlannedTask[],
    selected?: ReadonlySet<string>,
    succeeded: ReadonlySet<string> = new Set(),
  ) {
    const included = plan.filter((p) => !selected || selected.has(p.task.name));
    const names = new Set(included.map((p) => p.task.name));
    for (const p of included)
      this.upstream.set(
        p.task.name,
        p.dependsOn.filter((d) => names.has(d)),
      );
    for (const name of succeeded) if (names.has(name)) this.finished(name, 'success');
    this.pending = included
      .filter((p) => !succeeded.has(p.task.name))
      .sort((a, b) => a.position - b.position);
    this.downstream = directDownstream(plan);
  }

  get size(): number {
    return this.pending.length;
  }

  /** The first task in factory order that can be decided now, removed from the queue; null when none can. */
  take(): { planned: PlannedTask; decision: QueueDecision } | null {
    for (let i = 0; i < this.pending.length; i++) {
      const planned = this.pending[i]!;
      const decision = this.decide(planned);
      if (decision === null) continue;
      this.pending.splice(i, 1);
      return { planned, decision };
    }
    return null;
  }

  /** Records how a task ended; the tasks after it are decided on it. */
  finished(task: string, state: FinalState, skip: TaskSkip | null = null): void {
    this.finals.set(task, { state, skip });
  }

  /** The direct downstream tasks of a task (selected or not). */
  directDownstreamOf(task: string): string[] {
    return this.downstream.get(task) ?? [];
  }

  /** Every task downstream of `task`, transitively. */
  allDownstreamOf(task: string): string[] {
    const seen = new Set<string>();
    const stack = [...this.directDownstreamOf(task)];
    while (stack.length) {
      const next = stack.pop()!;
      if (seen.has(next)) continue;
      seen.add(next);
      stack.push(...this.directDownstreamOf(next));
    }
    return [...seen];
  }

  /** These tasks, where undecided, will be skipped whatever their trigger rule (the first reason wins). */
  forceSkip(tasks: readonly string[], skip: TaskSkip): void {
    for (const task of tasks) if (!this.forced.has(task)) this.forced.set(task, skip);
  }

  private decide(planned: PlannedTask): QueueDecision | null {
    const name = planned.task.name;
    const upstream = this.upstream.get(name) ?? [];
    // a disabled task is part of the factory's definition: it keeps its place (after its upstream tasks)
    if (planned.task.options.enabled === false)
      return upstream.every((d) => this.finals.has(d)) ? { kind: 'disabled' } : null;
    const forced = this.forced.get(name);
    if (forced) return { kind: 'skipped', skip: forced };
    const decision: RuleDecision = evaluateTriggerRule(
      planned.task.options.triggerRule ?? 'all_success',
      upstream.map((d) => this.upstreamTask(d)),
    );
    return decision.kind === 'wait' ? null : decision;
  }

  private upstreamTask(name: string): UpstreamTask {
    const final = this.finals.get(name);
    if (!final) return { name, state: 'pending' };
    // a disabled task counts as satisfied for the tasks after it
    const state: UpstreamState = final.state === 'disabled' ? 'success' : final.state;
    return final.skip ? { name, state, skipComplete: final.skip.complete } : { name, state };
  }
}
