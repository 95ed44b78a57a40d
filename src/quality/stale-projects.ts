import path from 'node:path';
import { CronExpressionParser } from 'cron-parser';
import { listStaleProjects, type ProjectDue } from '../audit/run-store.js';
import { loadConfig } from '../core/config.js';
import { errorMessage } from '../core/errors.js';
import { discoverProjects } from '../core/project-loader.js';
import { importProjectModule } from '../core/typescript-loader.js';
import { plural } from './evaluate.js';
import type { CheckScope, Evaluation, StaleProjectsCheck } from './types.js';

export interface ScheduledProject {
  name: string;
  schedule: string;
}

/** When each project was last due: the latest fire time of its cron schedule at or before `now − grace`. */
export function dueTimes(projects: ScheduledProject[], now: Date, graceMinutes: number): ProjectDue[] {
  const reference = new Date(now.getTime() - graceMinutes * 60_000 + 1);
  return projects.map((p) => {
    const due = CronExpressionParser.parse(p.schedule, { currentDate: reference, tz: 'UTC' }).prev().toDate();
    return { ...p, due };
  });
}

/**
 * The `schedule` of every project of the home the checking project belongs to, with config overrides of the
 * environment. Only parameters.ts is imported: a project's factory is not needed to know when it runs.
 */
async function scheduledProjects(
  scope: CheckScope,
  only: string[] | undefined,
): Promise<{ projects: ScheduledProject[]; unscheduled: string[]; problems: string[] }> {
  const projectsDir = path.resolve(scope.projectDir, '..', '..');
  const home = path.dirname(projectsDir);
  const config = loadConfig({ environment: scope.environment, env: { ...process.env, DWH_HOME: home } });
  const projects: ScheduledProject[] = [];
  const problems: string[] = [];
  const unscheduled: string[] = [];
  for (const ref of discoverProjects(projectsDir)) {
    if (only && !only.includes(ref.name)) continue;
    const file = path.join(ref.dir, 'parameters.ts');
    try {
      const module = (await importProjectModule(file)) as {
        default?: { schedule?: unknown };
      };
      const override = config.settings.projects[ref.name]?.schedule;
      const schedule = override ?? module.default?.schedule;
      if (typeof schedule === 'string' && schedule.trim()) projects.push({ name: ref.name, schedule });
      else unscheduled.push(ref.name);
    } catch (error) {
      problems.push(`${path.relative(home, file)}: ${errorMessage(error)}`);
    }
  }
  return { projects, unscheduled, problems };
}

export async function evaluateStaleProjects(
  check: StaleProjectsCheck,
  scope: CheckScope,
): Promise<Evaluation> {
  const found = await scheduledProjects(scope, check.projects);
  const selected = found.projects.filter(
    (p) =>
      p.name !== scope.project &&
      (!check.projects || check.projects.includes(p.name)) &&
      !(check.exclude ?? []).includes(p.name),
  );
  const listed = (check.projects ?? []).filter((name) => !found.projects.some((p) => p.name === name));
  const grace = check.graceMinutes ?? 60;
  const due: ProjectDue[] = [];
  const problems = [
    ...found.problems,
    ...listed.map((name) =>
      found.unscheduled.includes(name) ? `${name}: has no schedule` : `${name}: no such project`,
    ),
  ];
  for (const project of selected) {
    try {
      due.push(...dueTimes([project], scope.now, grace));
    } catch (error) {
      problems.push(
        `${project.name}: schedule '${project.schedule}' is not a cron expression: ${errorMessage(error)}`,
      );
    }
  }
  const stale = await listStaleProjects({ query: scope.query }, due);
  const failing = [...stale, ...problems.map((problem) => ({ problem }))];
  return {
    verdict: failing.length ? 'fail' : 'pass',
    observed: stale.length,
    threshold: `last success after the latest scheduled run (grace ${grace} min)`,
    failingRows: failing.length,
    sample: failing.length ? failing.slice(0, 10) : null,
    message:
      `${plural(stale.length, 'stale project')} of ${due.length} scheduled` +
      (stale.length
        ? `: ${stale.map((s) => `${s.project} (last success ${s.last_success ? s.last_success.toISOString() : 'never'})`).join(', ')}`
        : '') +
      (problems.length ? `; ${problems.join('; ')}` : ''),
  };
}
