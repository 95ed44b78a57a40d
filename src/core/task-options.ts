import { z } from 'zod';

/** The options of `task(name, fn, options)`; unknown keys are errors (a typo would silently do nothing). */
export const taskOptionsSchema = z
  .object({
    description: z.string().optional(),
    timeoutMs: z.number().int().positive().optional(),
    enabled: z.boolean().optional(),
    dependsOn: z.array(z.string().min(1)).optional(),
    retries: z.number().int().min(0).optional(),
    retryDelayMs: z.number().int().min(0).optional(),
    backoffRate: z.number().min(1).optional(),
    maxRetryDelayMs: z.number().int().min(0).optional(),
    retryOn: z.function().optional(),
    target: z.boolean().optional(),
  })
  .strict();
