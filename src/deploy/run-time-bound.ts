import { resolveRetryPolicy, retryDelay } from '../core/retry-policy.js';
import type { ScheduledProject } from './scheduled-projects.js';

/**
 * Time a run needs besides its task attempts: starting node, loading the project, migrating the audit schema,
 * sending the e-mail. (5 minutes)
 */
const RUN_OVERHEAD_MS = 5 * 60_000;

/**
 * The longest a run of the project can take when every task uses all its attempts up to its timeout, waits
 * every retry delay and the tasks run one after the other; null when an enabled task has no timeout (then
 * nothing bounds the run). Schedulers use it as the run's own timeout (Airflow's `execution_timeout`).
 */
export function runTimeBoundMs(project: ScheduledProject): number | null {
  if (!project.tasks) throw new Error(`runTimeBoundMs: the tasks of ${project.ref.name} were not loaded`);
  let total = RUN_OVERHEAD_MS;
  for (const task of project.tasks) {
    if (task.options.enabled === false) continue;
    const timeoutMs = task.options.timeoutMs ?? project.parameters.timeoutMs;
    if (timeoutMs === undefined) return null;
    const policy = resolveRetryPolicy(project.parameters, task.options);
    const attempts = policy.retries + 1;
    total += timeoutMs * attempts;
    for (let attempt = 2; attempt <= attempts; attempt++) total += retryDelay(policy, attempt);
  }
  return total;
}
