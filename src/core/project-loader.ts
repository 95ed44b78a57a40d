import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { projectParametersSchema, type ProjectParameters } from './define-project.js';
import { ConfigError, ProjectLoadError, ProjectNotFoundError, UsageError, errorMessage } from './errors.js';
import { checkParamDefaults } from './run-params.js';
import { planTasks, type PlannedTask } from './task-graph.js';
import { importProjectModule } from './typescript-loader.js';
import type { Factory } from './types.js';
import { zodToConfigError } from './zod-error.js';

export interface ProjectRef {
  /** Folder name: how the CLI refers to the project. */
  name: string;
  group: string;
  dir: string;
}

export interface LoadedProject {
  ref: ProjectRef;
  parameters: ProjectParameters;
  factory: Factory;
  /** Tasks in execution order, validated. */
  plan: PlannedTask[];
}

/** Every `projects/<group>/<name>/` that has a parameters.ts. */
export function discoverProjects(projectsDir: string): ProjectRef[] {
  if (!existsSync(projectsDir)) return [];
  const refs: ProjectRef[] = [];
  for (const group of readdirSync(projectsDir, { withFileTypes: true })) {
    if (!group.isDirectory() || group.name.startsWith('.')) continue;
    for (const project of readdirSync(path.join(projectsDir, group.name), { withFileTypes: true })) {
      const dir = path.join(projectsDir, group.name, project.name);
      if (project.isDirectory() && existsSync(path.join(dir, 'parameters.ts'))) {
        refs.push({ name: project.name, group: group.name, dir });
      }
    }
  }
  return refs.sort((a, b) => `${a.group}/${a.name}`.localeCompare(`${b.group}/${b.name}`));
}

/** Finds a project by `<name>` or `<group>/<name>`. */
export function findProject(projectsDir: string, reference: string): ProjectRef {
  const all = discoverProjects(projectsDir);
  const matches = reference.includes('/')
    ? all.filter((p) => `${p.group}/${p.name}` === reference)
    : all.filter((p) => p.name === reference);
  if (matches.length === 0)
    throw new ProjectNotFoundError(
      reference,
      all.map((p) => `${p.group}/${p.name}`),
    );
  if (matches.length > 1) {
    throw new UsageError(
      `project name '${reference}' is ambiguous: ${matches.map((p) => `${p.group}/${p.name}`).join(', ')}; use <group>/<name>`,
    );
  }
  return matches[0]!;
}

/** Imports a TypeScript project file with no build step; any failure names the file. */
async function importProjectFile(file: string, home: string, fresh = false): Promise<unknown> {
  const shown = path.relative(home, file) || file;
  if (!existsSync(file)) throw new ProjectLoadError(shown, 'file not found');
  let module: { default?: unknown };
  try {
    module = (await importProjectModule(file, { fresh })) as { default?: unknown };
  } catch (error) {
    throw new ProjectLoadError(shown, `failed to load: ${errorMessage(error)}`, error);
  }
  // A default export that is itself a CommonJS module (`export default require(…)`, or a file compiled to
  // CommonJS by its own tooling) arrives wrapped once more (`{ default: … }`, flagged __esModule).
  let value: unknown = module.default;
  while (
    value &&
    typeof value === 'object' &&
    'default' in value &&
    ('__esModule' in value || Object.keys(value).length === 1)
  ) {
    value = value.default;
  }
  if (value === undefined) throw new ProjectLoadError(shown, 'has no default export');
  return value;
}

export interface LoadOptions {
  home: string;
  /** The environment's parameter overrides (config/dwh.yaml `projects.<name>`), merged over parameters.ts. */
  overrides?: Record<string, unknown>;
  /** Re-read parameters.ts if it changed since this process last imported it (long-running processes). */
  fresh?: boolean;
}

/**
 * Reads and validates a project's parameters.ts only, with the environment's overrides: what `list`, `cron`,
 * `schedule`, `airflow generate` and the monitor need. The factory (and whatever its tasks import) is not
 * loaded, so a broken factory does not hide the project there.
 */
export async function loadProjectParameters(
  ref: ProjectRef,
  options: LoadOptions,
): Promise<ProjectParameters> {
  const parametersFile = path.join(ref.dir, 'parameters.ts');
  const shown = path.relative(options.home, parametersFile);
  const rawParameters = await importProjectFile(parametersFile, options.home, options.fresh);
  if (!rawParameters || typeof rawParameters !== 'object') {
    throw new ProjectLoadError(shown, 'default export must be defineProject({...})');
  }
  const merged = deepMerge(rawParameters as Record<string, unknown>, options.overrides ?? {});
  const parsed = projectParametersSchema.safeParse(merged);
  if (!parsed.success) throw zodToConfigError(shown, parsed.error, merged);
  const parameters = parsed.data;
  if (parameters.name !== ref.name) {
    throw new ConfigError(shown, 'name', parameters.name, `must equal the project folder name '${ref.name}'`);
  }
  if (parameters.params) checkParamDefaults(parameters.params, shown);
  return parameters;
}

/** Loads parameters.ts and factory.ts and plans the tasks: everything a run needs. */
export async function loadProject(ref: ProjectRef, options: LoadOptions): Promise<LoadedProject> {
  const parameters = await loadProjectParameters(ref, options);
  const factoryFile = path.join(ref.dir, 'factory.ts');
  const factory = await importProjectFile(factoryFile, options.home);
  if (!isFactory(factory)) {
    throw new ProjectLoadError(
      path.relative(options.home, factoryFile),
      'default export must be defineFactory([...tasks])',
    );
  }
  const shown = path.relative(options.home, factoryFile);
  factory.tasks.forEach((t, i) => {
    const isTask = t?.kind === 'task' && typeof t.fn === 'function';
    if (!isTask && t?.kind !== 'group') {
      throw new ProjectLoadError(
        shown,
        `entry ${i + 1} of the factory is not a task(name, fn, options) or group(name, tasks)`,
      );
    }
  });
  return { ref, parameters, factory, plan: planTasks(parameters.name, factory.tasks, shown) };
}

function isFactory(value: unknown): value is Factory {
  return Boolean(
    value &&
    typeof value === 'object' &&
    (value as Factory).kind === 'factory' &&
    Array.isArray((value as Factory).tasks),
  );
}

function deepMerge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const current = out[key];
    out[key] =
      value &&
      typeof value === 'object' &&
      !Array.isArray(value) &&
      current &&
      typeof current === 'object' &&
      !Array.isArray(current) &&
      !(current instanceof Date)
        ? deepMerge(current as Record<string, unknown>, value as Record<string, unknown>)
        : value;
  }
  return out;
}
