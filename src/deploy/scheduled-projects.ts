import type { ResolvedConfig } from '../core/config.js';
import type { ProjectParameters } from '../core/define-project.js';
import {
  discoverProjects,
  findProject,
  loadProjectParameters,
  type ProjectRef,
} from '../core/project-loader.js';

export interface ScheduledProject {
  ref: ProjectRef;
  parameters: ProjectParameters;
  /** The validated cron expression. */
  schedule: string;
}

/**
 * Projects of the home that declare a `schedule`, in `<group>/<name>` order; or just the named ones. Only
 * parameters.ts is read: the schedule is there, and factories import their tasks' code. A project whose
 * parameters do not load fails the whole command: a scheduler silently missing a project is worse.
 */
export async function loadScheduledProjects(
  config: ResolvedConfig,
  only: string[] = [],
): Promise<ScheduledProject[]> {
  const refs = only.length
    ? only.map((name) => findProject(config.paths.projectsDir, name))
    : discoverProjects(config.paths.projectsDir);
  const scheduled: ScheduledProject[] = [];
  for (const ref of refs) {
    const parameters = await loadProjectParameters(ref, {
      home: config.paths.home,
      overrides: config.settings.projects[ref.name],
    });
    if (parameters.schedule) scheduled.push({ ref, parameters, schedule: parameters.schedule.trim() });
  }
  return scheduled;
}
