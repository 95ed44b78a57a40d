import type { z } from 'zod';
import { ConfigError } from './errors.js';
import { nearestName } from './nearest-name.js';

/**
 * The first zod issue as a ConfigError naming the file, the key path and the value found there. An unknown
 * key names the nearest known one when `knownKeys` tells which keys the object at that path accepts.
 */
export function zodToConfigError(
  file: string,
  error: z.ZodError,
  input: unknown,
  knownKeys?: (keyPath: readonly string[]) => readonly string[] | undefined,
): ConfigError {
  const issue = error.issues[0];
  if (!issue) return new ConfigError(file, '', input, 'invalid');
  const keyPath = issue.path.map(String);
  let value: unknown = input;
  for (const key of keyPath) {
    value = value && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
  }
  let problem = issue.message;
  if (issue.code === 'unrecognized_keys') {
    const known = knownKeys?.(keyPath);
    const named = issue.keys.map((k) => {
      const near = known ? nearestName(k, known) : null;
      return `'${k}'${near ? ` (did you mean '${near}'?)` : ''}`;
    });
    problem = `unknown key(s) ${named.join(', ')}${known ? `; known: ${known.join(', ')}` : ''}`;
  }
  return new ConfigError(file, keyPath.join('.'), value, problem);
}
