import type { ResolvedConfig } from '../core/config.js';
import { errorMessage } from '../core/errors.js';
import { discoverProjects, loadProjectParameters } from '../core/project-loader.js';
import { redactText } from '../logging/redact.js';

/** What the monitor needs to know about a project folder: where it is and when it should run. */
export interface CatalogEntry {
  name: string;
  group: string;
  description: string;
  /** Cron expression from parameters (with the environment's overrides), if any. */
  schedule: string | undefined;
  /** Set when the project does not load; the monitor still lists it. */
  loadError: string | null;
}

/**
 * Reads every project's parameters.ts (with the environment's overrides). Only the parameters: the schedule is
 * all the monitor needs, and importing each factory (with its connectors) would double the time. A project
 * whose parameters do not load is still listed, with its error. Edited parameters are read again.
 */
export async function loadCatalog(config: ResolvedConfig): Promise<CatalogEntry[]> {
  const entries: CatalogEntry[] = [];
  for (const ref of discoverProjects(config.paths.projectsDir)) {
    try {
      const parameters = await loadProjectParameters(ref, {
        home: config.paths.home,
        overrides: config.settings.projects[ref.name],
        fresh: true,
      });
      entries.push({
        name: ref.name,
        group: ref.group,
        description: parameters.description,
        schedule: parameters.schedule,
        loadError: null,
      });
    } catch (error) {
      entries.push({
        name: ref.name,
        group: ref.group,
        description: '',
        schedule: undefined,
        loadError: redactText(errorMessage(error)),
      });
    }
  }
  return entries;
}

/**
 * The dashboard reloads the catalog at most every `ttlMs`: loading compiles every project's TypeScript, which
 * is too slow for each page view, while edits to a schedule still show up within a minute.
 */
export function cachedCatalog(config: ResolvedConfig, ttlMs = 60_000): () => Promise<CatalogEntry[]> {
  let cached: { at: number; entries: Promise<CatalogEntry[]> } | null = null;
  return () => {
    const now = Date.now();
    if (!cached || now - cached.at > ttlMs) {
      const entries = loadCatalog(config);
      cached = { at: now, entries };
      // a failed load is not cached: the next page view tries again
      entries.catch(() => {
        cached = null;
      });
    }
    return cached.entries;
  };
}
