import type { ProjectParameters } from './define-project.js';
import type { RetryPolicy, TaskOptions } from './types.js';

/** The task's own options win over the project's defaults. */
export function resolveRetryPolicy(project: ProjectParameters, options: TaskOptions): RetryPolicy {
  return {
    retries: options.retries ?? project.retries,
    retryDelayMs: options.retryDelayMs ?? project.retryDelayMs,
    backoffRate: options.backoffRate ?? project.backoffRate,
    maxRetryDelayMs: options.maxRetryDelayMs ?? project.maxRetryDelayMs,
  };
}

/** Delay before attempt `nextAttempt` (2, 3, …): retryDelayMs · backoffRate^(n−2), capped. */
export function retryDelay(policy: RetryPolicy, nextAttempt: number): number {
  const exponent = Math.max(0, nextAttempt - 2);
  return Math.min(policy.retryDelayMs * policy.backoffRate ** exponent, policy.maxRetryDelayMs);
}
