import type { ResolvedConfig } from '../core/config.js';
import type { ProjectParameters } from '../core/define-project.js';
import {
  discoverProjects,
  findProject,
  loadProject,
  loadProjectParameters,
  type ProjectRef,
} from '../core/project-loader.js';
import type { TaskDefinition } from '../core/types.js';

export interface ScheduledProject {
  ref: ProjectRef;
  parameters: ProjectParameters;
  /** The validated cron expression. */
  schedule: string;
  /** The factory's tasks (their timeouts and retries bound how long a run may take); null unless asked for. */
  tasks: TaskDefinition[] | null;
}

/**
 * Projects of the home that declare a `schedule`, in `<group>/<name>` order; or just the named ones. Only
 * parameters.ts is read (the schedule is there, and factories import their tasks' code) unless `withTasks`
 * asks for the factory too. A project that does not load fails the whole command: a scheduler silently
 * missing a project is worse.
 */
export async function loadScheduledProjects(
  config: ResolvedConfig,
  only: string[] = [],
  options: { withTasks?: boolean } = {},
): Promise<ScheduledProject[]> {
  const refs = only.length
    ? only.map((name) => findProject(config.paths.projectsDir, name))
    : discoverProjects(config.paths.projectsDir);
  const scheduled: ScheduledProject[] = [];
  for (const ref of refs) {
    const settings = { home: config.paths.home, overrides: config.settings.projects[ref.name] };
    const parameters = await loadProjectParameters(ref, settings);
    if (!parameters.schedule) continue;
    const tasks = options.withTasks ? (await loadProject(ref, settings)).plan.map((p) => p.task) : null;
    scheduled.push({ ref, parameters, schedule: parameters.schedule.trim(), tasks });
  }
  return scheduled;
}
