import { existsSync } from 'node:fs';
import path from 'node:path';
import { DwhError, describeValue } from './errors.js';
import {
  boundName,
  checkBoundOptions,
  zodProblems,
  type OptionCheckContext,
  type OptionProblem,
} from './option-check.js';
import { branchProblems } from './branching.js';
import type { ResolvedConfig } from './config.js';
import type { LoadedProject } from './project-loader.js';
import { taskOptionsSchema } from './task-options.js';

/** One problem found in a project before it runs: the file, the task, the key and the value. */
export interface PlanProblem extends OptionProblem {
  file: string;
  task: string;
}

/** Options of one or more tasks are wrong; every problem found is listed. Exit code 2. */
class TaskOptionsError extends DwhError {
  constructor(
    readonly project: string,
    readonly problems: PlanProblem[],
  ) {
    super(
      'CONFIG',
      problems.length === 1
        ? formatProblem(problems[0]!)
        : `project '${project}': ${problems.length} problems:\n${problems.map((p) => `  ${formatProblem(p)}`).join('\n')}`,
    );
  }
}

export function formatProblem(p: PlanProblem): string {
  const value = p.value === undefined ? '' : ` (got ${describeValue(p.value)})`;
  return `${p.file}: task '${p.task}': ${p.key || '(options)'}: ${p.problem}${value}`;
}

/**
 * Checks every task of the plan before anything runs: the task options (types, ranges, unknown keys) and the
 * options of helpers bound with `partial` that declare a checker (extractLoad, runChecks, …), which in turn
 * read the mapping.yaml, validation.yaml and connectors they name.
 */
export function findPlanProblems(project: LoadedProject, context: OptionCheckContext): PlanProblem[] {
  const factoryFile = path.relative(context.home, path.join(project.ref.dir, 'factory.ts'));
  const problems: PlanProblem[] = [];
  for (const { task } of project.plan) {
    const parsed = taskOptionsSchema.safeParse(task.options ?? {});
    if (!parsed.success) {
      const known = Object.keys(taskOptionsSchema.shape);
      for (const p of zodProblems(parsed.error.issues, task.options, known)) {
        problems.push({
          ...p,
          file: factoryFile,
          task: task.name,
          key: p.key ? `options.${p.key}` : 'options',
        });
      }
    }
    const helper = boundName(task.fn);
    let found: OptionProblem[];
    try {
      found = checkBoundOptions(task.fn, context);
    } catch (error) {
      found = [{ key: '', value: undefined, problem: `checking the options failed: ${String(error)}` }];
    }
    for (const p of found) {
      problems.push({
        ...p,
        file: p.file ? shownFile(p.file, project.ref.dir, context.home) : factoryFile,
        task: task.name,
        key: p.file ? p.key : `${helper ?? 'options'}${p.key ? `.${p.key}` : ''}`,
      });
    }
  }
  for (const { task, problem } of branchProblems(project.plan))
    problems.push({ ...problem, file: factoryFile, task });
  return problems;
}

/** Throws TaskOptionsError (exit 2) when the plan has problems. */
export function validatePlan(project: LoadedProject, context: OptionCheckContext): void {
  const problems = findPlanProblems(project, context);
  if (problems.length) throw new TaskOptionsError(project.ref.name, problems);
}

/** Files named relative to the project (metadata/validation.yaml) or its group are shown from the home. */
function shownFile(file: string, projectDir: string, home: string): string {
  for (const base of [home, projectDir, path.dirname(projectDir)]) {
    if (existsSync(path.join(base, file))) return path.relative(home, path.join(base, file));
  }
  return file;
}

/** What the checks need from the resolved configuration. */
export function planCheckContext(config: ResolvedConfig, projectDir: string): OptionCheckContext {
  return {
    projectDir,
    home: config.paths.home,
    environment: config.environment,
    connectors: config.settings.connectors,
    configFile: path.relative(config.paths.home, config.paths.configFile),
  };
}
