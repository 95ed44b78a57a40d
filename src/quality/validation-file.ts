import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { ConfigError } from '../core/errors.js';
import { checkKinds, firstIssue, isCheckKind, parseCheck } from './check-schemas.js';
import type { Check } from './types.js';

/** Where a project declares checks in YAML, relative to its folder. */
export const VALIDATION_FILE = 'metadata/validation.yaml';

/**
 * Reads `metadata/validation.yaml`: a list of checks, each with `type` (the check kind, e.g. `not_null`) and
 * the same options as the constructor in TypeScript.
 * ```yaml
 * checks:
 *   - type: not_null
 *     table: orders
 *     columns: [order_id, store]
 * ```
 */
export function loadValidationFile(projectDir: string, relative = VALIDATION_FILE): Check[] {
  const file = path.resolve(projectDir, relative);
  if (!existsSync(file)) throw new ConfigError(relative, '', undefined, 'file not found');
  const doc = parseDocument(readFileSync(file, 'utf8'));
  const first = doc.errors[0];
  if (first) {
    const line = first.linePos?.[0].line;
    throw new ConfigError(relative, line ? `line ${line}` : '', undefined, `invalid YAML: ${first.message}`);
  }
  const raw = doc.toJS() as unknown;
  if (!raw || typeof raw !== 'object' || !Array.isArray((raw as { checks?: unknown }).checks)) {
    throw new ConfigError(
      relative,
      'checks',
      (raw as { checks?: unknown } | null)?.checks,
      'must be a list of checks',
    );
  }
  const extra = Object.keys(raw).filter((key) => key !== 'checks');
  if (extra.length) throw new ConfigError(relative, '', raw, `unknown key(s) ${extra.join(', ')}`);
  return (raw as { checks: unknown[] }).checks.map((entry, i) => {
    const key = `checks[${i}]`;
    if (!entry || typeof entry !== 'object') throw new ConfigError(relative, key, entry, 'must be a mapping');
    const { type, ...options } = entry as Record<string, unknown>;
    if (!isCheckKind(type)) {
      throw new ConfigError(relative, `${key}.type`, type, `must be one of ${checkKinds.join(', ')}`);
    }
    const parsed = parseCheck({ ...options, kind: type });
    if (!parsed.success) {
      const issue = firstIssue(parsed.error, options);
      throw new ConfigError(relative, issue.key ? `${key}.${issue.key}` : key, issue.value, issue.problem);
    }
    return parsed.data;
  });
}

export function hasValidationFile(projectDir: string): boolean {
  return existsSync(path.resolve(projectDir, VALIDATION_FILE));
}
