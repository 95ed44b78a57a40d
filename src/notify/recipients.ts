import type { ProjectParameters } from '../core/define-project.js';
import { bareAddress } from '../core/email-address.js';
import type { EmailSettings, RecipientGroup } from './email-settings.js';

export type RunOutcome = 'success' | 'failed';

/** Who hears about which outcome: business only about successes, error only about failures. */
const GROUPS_BY_OUTCOME: Record<RunOutcome, readonly RecipientGroup[]> = {
  success: ['business', 'admin'],
  failed: ['admin', 'error'],
};

export type RecipientPlan =
  | { kind: 'send'; to: string[]; groups: Partial<Record<RecipientGroup, string[]>> }
  | { kind: 'skip'; reason: string };

/**
 * The addresses a run's mail goes to. A project's own list (parameters.ts `email.business` …, or
 * `projects.<name>.email` in config/dwh.yaml) replaces the environment's list; an empty list silences the group
 * for that project. Environment switches (`email.business: false` …) silence a group everywhere. Addresses are
 * deduplicated, the first spelling wins.
 */
export function resolveRecipients(
  outcome: RunOutcome,
  settings: EmailSettings,
  projectEmail: ProjectParameters['email'],
): RecipientPlan {
  const groups: Partial<Record<RecipientGroup, string[]>> = {};
  const seen = new Set<string>();
  const to: string[] = [];
  const silenced: string[] = [];
  for (const group of GROUPS_BY_OUTCOME[outcome]) {
    if (!settings.switches[group]) {
      silenced.push(`${group} (switched off for environment ${settings.environment})`);
      continue;
    }
    const list = projectEmail[group] ?? settings.recipients[group];
    groups[group] = list;
    for (const address of list) {
      const key = bareAddress(address) ?? address;
      if (seen.has(key)) continue;
      seen.add(key);
      to.push(address);
    }
  }
  if (to.length > 0) return { kind: 'send', to, groups };
  const considered = GROUPS_BY_OUTCOME[outcome].join(' and ');
  return {
    kind: 'skip',
    reason:
      `no recipients for a ${outcome === 'success' ? 'successful' : 'failed'} run ` +
      `(${considered} lists are empty${silenced.length ? `; ${silenced.join(', ')}` : ''})`,
  };
}
