import path from 'node:path';
import type { Warehouse } from '../../src/db/connection.js';
import type { CheckScope } from '../../src/quality/types.js';
import { fixtureHome } from '../helpers/cli.js';

export const qualityProjectDir = (name: string) => path.join(fixtureHome, 'projects', 'quality', name);

/** A check scope on a test warehouse, as a task of project `dq_orders` would get it. */
export function scopeFor(warehouse: Warehouse, overrides: Partial<CheckScope> = {}): CheckScope {
  const window = overrides.window ?? {
    loadType: 'I' as const,
    start: new Date('2026-03-01T00:00:00Z'),
    end: new Date('2026-03-05T00:00:00Z'),
    previousMaxDate: null,
  };
  return {
    query: (text, values) => warehouse.query(text, values),
    project: 'dq_orders',
    projectDir: qualityProjectDir('dq_orders'),
    environment: 'local',
    runId: null,
    window,
    now: new Date(),
    params: {
      start_load_date: window.start,
      end_load_date: window.end,
      previous_max_date: window.previousMaxDate,
      run_id: null,
    },
    ...overrides,
  };
}

/** Runs statements one by one (PGlite takes one statement per parameterised query). */
export async function exec(warehouse: Warehouse, ...statements: string[]): Promise<void> {
  for (const statement of statements) await warehouse.query(statement);
}
