import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ResolvedConfig } from '../core/config.js';
import { projectParametersSchema, type ProjectParameters } from '../core/define-project.js';
import { ProjectLoadError, errorMessage } from '../core/errors.js';
import { discoverProjects } from '../core/project-loader.js';
import { zodToConfigError } from '../core/zod-error.js';
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
 * whose parameters do not load is still listed, with its error.
 */
export async function loadCatalog(config: ResolvedConfig): Promise<CatalogEntry[]> {
  const entries: CatalogEntry[] = [];
  // One loader registration for all files: registering per file (tsImport) costs about a second each. A fresh
  // namespace per load means edited parameters are read again, not served from the module cache.
  const { register } = await import('tsx/esm/api');
  const loader = register({ namespace: `dwh-catalog-${process.hrtime.bigint()}` });
  try {
    for (const ref of discoverProjects(config.paths.projectsDir)) {
      try {
        const parameters = await loadParameters(
          (url) => loader.import(url, import.meta.url),
          ref.dir,
          config.paths.home,
          config.settings.projects[ref.name],
        );
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
  } finally {
    await loader.unregister();
  }
  return entries;
}

async function loadParameters(
  importFile: (url: string) => Promise<unknown>,
  dir: string,
  home: string,
  overrides: Record<string, unknown> | undefined,
): Promise<ProjectParameters> {
  const file = path.join(dir, 'parameters.ts');
  const shown = path.relative(home, file);
  let module: { default?: unknown };
  try {
    module = (await importFile(pathToFileURL(file).href)) as { default?: unknown };
  } catch (error) {
    throw new ProjectLoadError(shown, `failed to load: ${errorMessage(error)}`, error);
  }
  if (!module.default || typeof module.default !== 'object')
    throw new ProjectLoadError(shown, 'default export must be defineProject({...})');
  // Overrides replace top-level keys and merge one level into objects, enough for `schedule` and friends.
  const merged: Record<string, unknown> = { ...(module.default as Record<string, unknown>) };
  for (const [key, value] of Object.entries(overrides ?? {})) {
    const current = merged[key];
    merged[key] = isPlainObject(current) && isPlainObject(value) ? { ...current, ...value } : value;
  }
  const parsed = projectParametersSchema.safeParse(merged);
  if (!parsed.success) throw zodToConfigError(shown, parsed.error, merged);
  return parsed.data;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return Boolean(value) && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Date);
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
