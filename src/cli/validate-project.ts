import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseDocument } from 'yaml';
import type { ResolvedConfig } from '../core/config.js';
import { errorMessage } from '../core/errors.js';
import { findPlanProblems, formatProblem, planCheckContext } from '../core/plan-validation.js';
import { loadProject, type ProjectRef } from '../core/project-loader.js';
import { unclosedSqlPart } from '../db/sql-file-check.js';
import { hasValidationFile, loadValidationFile } from '../quality/validation-file.js';
import { loadMapping } from '../transform/mapping.js';

/**
 * Everything `dwh validate` checks of one project without running it: it loads (parameters, factory, task
 * graph), every task's options and the helpers' options, every mapping of metadata/mapping.yaml (used or
 * not), metadata/validation.yaml, and the SQL files. Returns one line per problem.
 */
export async function validateProject(ref: ProjectRef, config: ResolvedConfig): Promise<string[]> {
  const problems: string[] = [];
  const home = config.paths.home;
  try {
    const project = await loadProject(ref, { home, overrides: config.settings.projects[ref.name] });
    problems.push(...findPlanProblems(project, planCheckContext(config, ref.dir)).map(formatProblem));
  } catch (error) {
    problems.push(errorMessage(error));
  }
  const mappingFile = path.join(ref.dir, 'metadata', 'mapping.yaml');
  if (existsSync(mappingFile)) {
    const doc = parseDocument(readFileSync(mappingFile, 'utf8'));
    const names = doc.errors.length ? [''] : Object.keys((doc.toJS() ?? {}) as Record<string, unknown>);
    // loadMapping reports YAML errors itself; '' stands for "whatever name": the file does not parse
    for (const name of names) problems.push(...attempt(() => loadMapping(ref.dir, name)));
  }
  if (hasValidationFile(ref.dir)) problems.push(...attempt(() => loadValidationFile(ref.dir)));
  for (const file of sqlFiles(ref.dir)) {
    const found = unclosedSqlPart(readFileSync(file, 'utf8'));
    if (found) problems.push(`${path.relative(home, file)}: line ${found.line}: ${found.problem}`);
  }
  return [...new Set(problems)];
}

function attempt(check: () => unknown): string[] {
  try {
    check();
    return [];
  } catch (error) {
    return [errorMessage(error)];
  }
}

function sqlFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name.startsWith('.') || entry.name === 'node_modules' || entry.name === 'output') continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sqlFiles(full));
    else if (entry.name.endsWith('.sql')) out.push(full);
  }
  return out.sort();
}
