import path from 'node:path';
import { CronExpressionParser } from 'cron-parser';
import { loadConfig } from '../core/config.js';
import { errorMessage } from '../core/errors.js';
import { discoverProjects } from '../core/project-loader.js';
import { importProjectModule } from '../core/typescript-loader.js';
import { plural } from './evaluate.js';
import type { Sql } from '../db/sql.js';
import type { CheckScope, Evaluation, StaleProjectsCheck } from './types.js';

export interface ScheduledProject {
  name: string;
  schedule: string;
}

export interface DueProject {
  name: string;
  schedule: string;
  /** The latest scheduled start that should have finished by now (its run may take `grace`). */
  due: Date;
}

/** When each project was last due: the latest fire time of its cron schedule at or before `now − grace`. */
export function dueTimes(projects: ScheduledProject[], now: Date, graceMinutes: number): DueProject[] {
  const reference = new Date(now.getTime() - graceMinutes * 60_000 + 1);
  return projects.map((p) => {
    const due = CronExpressionParser.parse(p.schedule, { currentDate: reference, tz: 'UTC' }).prev().toDate();
    return { ...p, due };
  });
}

/**
 * The projects whose last successful run ended before they were last due (or that never succeeded), with the
 * time of that run. Runs of every environment count: a warehouse is stale whoever was supposed to fill it.
 */
export function staleProjectsSql(projects: DueProject[]): Sql {
  return {
    text:
      `select p.project, p.schedule, p.due, max(r.end_script_execution_time) as last_success ` +
      `from unnest($1::text[], $2::text[], $3::timestamptz[]) as p(project, schedule, due) ` +
      `left join dwh.etl_runs as r on r.project_name = p.project and r.status = 'success' ` +
      `group by p.project, p.schedule, p.due ` +
      `having max(r.end_script_execution_time) is null or max(r.end_script_execution_time) < p.due ` +
      `order by p.project`,
    values: [projects.map((p) => p.name), projects.map((p) => p.schedule), projects.map((p) => p.due)],
  };
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
  const due: DueProject[] = [];
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
  const query = staleProjectsSql(due);
  const stale = due.length ? await scope.query<Record<string, unknown>>(query.text, query.values) : [];
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
        ? `: ${stale.map((s) => `${String(s.project)} (last success ${s.last_success ? (s.last_success as Date).toISOString() : 'never'})`).join(', ')}`
        : '') +
      (problems.length ? `; ${problems.join('; ')}` : ''),
  };
}
