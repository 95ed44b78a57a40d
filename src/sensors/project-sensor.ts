import path from 'node:path';
import { z } from 'zod';
import { projectCoverage } from '../audit/run-coverage.js';
import { nearestName } from '../core/nearest-name.js';
import type { OptionCheckContext, OptionProblem } from '../core/option-check.js';
import { discoverProjects } from '../core/project-loader.js';
import type { TaskDefinition } from '../core/types.js';
import { sensorTask, type SensorKind } from './sensor.js';
import { sensorSchema, type SensorOptions } from './sensor-options.js';

export interface ProjectSensorOptions extends SensorOptions {
  /** The other project, `<name>` or `<group>/<name>` as on the CLI; it must exist under projects/. */
  project: string;
}

const schema = sensorSchema({ project: z.string().min(1) });

type Options = z.output<typeof schema>;

const kind: SensorKind<Options> = {
  name: 'projectSensor',
  schema,
  check: (options, context) => projectProblems(options.project, context),
  waitingFor: (options) => `project '${runName(options.project)}' to load this window`,
  start: (_ctx, options) => async (ctx) => {
    const project = runName(options.project);
    // dwh.etl_runs is in the warehouse the run writes to: the task's own connection reads it
    const coverage = await projectCoverage({ query: ctx.sql }, project, ctx.window);
    const window = `${ctx.window.start.toISOString()} → ${ctx.window.end.toISOString()}`;
    if (coverage.covered)
      return {
        done: true,
        message: `${coverage.runs} successful full run(s) of '${project}' cover ${window}`,
      };
    if (!coverage.anyRun)
      return { done: false, message: `project '${project}' has no successful full run yet` };
    if (coverage.coveredUntil === null)
      return {
        done: false,
        message: `no successful full run of '${project}' starts at or before ${ctx.window.start.toISOString()}`,
      };
    return {
      done: false,
      message: `the successful full runs of '${project}' reach ${coverage.coveredUntil.toISOString()}, not the window end ${ctx.window.end.toISOString()}`,
    };
  },
};

/**
 * `projectSensor(name, { project, timeoutMs, pokeIntervalMs, softFail })`: waits until another project has
 * loaded this run's window — its successful full runs (in this warehouse, any environment) cover
 * `[start, end)` without a gap, one run or several chained incremental ones.
 */
export function projectSensor(name: string, options: ProjectSensorOptions): TaskDefinition {
  return sensorTask(kind, name, options);
}

/** etl_runs.project_name is the folder name, whatever group the project is in. */
function runName(reference: string): string {
  return reference.includes('/') ? reference.slice(reference.lastIndexOf('/') + 1) : reference;
}

function projectProblems(reference: string, context: OptionCheckContext): OptionProblem[] {
  const projects = discoverProjects(path.join(context.home, 'projects'));
  const names = projects.map((p) => (reference.includes('/') ? `${p.group}/${p.name}` : p.name));
  if (names.includes(reference)) return [];
  const near = nearestName(reference, names);
  return [
    {
      key: 'project',
      value: reference,
      problem: `no project of that name under projects/${near ? ` (did you mean '${near}'?)` : ''}`,
    },
  ];
}
