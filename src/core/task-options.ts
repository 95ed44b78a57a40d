import { z } from 'zod';
import { TRIGGER_RULES } from './trigger-rules.js';

/** The options of `task(name, fn, options)`; unknown keys are errors (a typo would silently do nothing). */
export const taskOptionsSchema = z
  .object({
    description: z.string().optional(),
    timeoutMs: z.number().int().positive().optional(),
    enabled: z.boolean().optional(),
    dependsOn: z.array(z.string().min(1)).optional(),
    triggerRule: z.enum(TRIGGER_RULES).optional(),
    retries: z.number().int().min(0).optional(),
    retryDelayMs: z.number().int().min(0).optional(),
    backoffRate: z.number().min(1).optional(),
    maxRetryDelayMs: z.number().int().min(0).optional(),
    retryOn: z.function().optional(),
    target: z.boolean().optional(),
  })
  .strict();

/** What `branch(name, fn, options)` takes besides the task options (see core/branching.ts). */
export const branchSpecSchema = z
  .object({
    choices: z.array(z.string().min(1)).min(1).optional(),
    nothingToDo: z.boolean().optional(),
  })
  .strict();

/** The options of `group(name, entries, options)`. */
export const groupOptionsSchema = z
  .object({
    description: z.string().optional(),
    dependsOn: z.array(z.string().min(1)).optional(),
  })
  .strict();
