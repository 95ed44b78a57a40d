import type { z } from 'zod';
import { ConfigError } from './errors.js';

/** The first zod issue as a ConfigError naming the file, the key path and the value found there. */
export function zodToConfigError(file: string, error: z.ZodError, input: unknown): ConfigError {
  const issue = error.issues[0];
  if (!issue) return new ConfigError(file, '', input, 'invalid');
  const keyPath = issue.path.map(String);
  let value: unknown = input;
  for (const key of keyPath) {
    value = value && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
  }
  let problem = issue.message;
  if (issue.code === 'unrecognized_keys') {
    problem = `unknown key(s) ${issue.keys.map((k) => `'${k}'`).join(', ')}`;
  }
  return new ConfigError(file, keyPath.join('.'), value, problem);
}
