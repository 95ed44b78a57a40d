import type { CheckKind, CheckResult, CheckStatus } from '../core/check-result.js';
import { DwhError, EXIT, errorMessage } from '../core/errors.js';
import { problemFromError, withOptionCheck, type OptionProblem } from '../core/option-check.js';
import { markTaskKind, taskKindOf } from '../core/task.js';
import type { TaskContext, TaskDefinition, TaskResult } from '../core/types.js';
import { windowParams } from '../core/window-params.js';
import { redactText, redactValue } from '../logging/redact.js';
import { insertDqResults } from '../audit/dq-result-store.js';
import { hasSuccessfulRun } from '../audit/run-store.js';
import { handlerOf } from './handlers.js';
import type { Check, CheckOf, CheckScope } from './types.js';
import { loadValidationFile, VALIDATION_FILE } from './validation-file.js';

/** `ctx.runId` of a context with no run behind it (`dwh dq`): results are stored with run_id null. */
export const NO_RUN_ID = 0;

/** What a checks task returns; the `checks` ride along for `dwh dq`, the runner reads only the TaskResult. */
export interface ChecksOutcome extends TaskResult {
  checks: CheckResult[];
  /** The checks came from metadata/validation.yaml. */
  fromValidationFile: boolean;
}

/**
 * Brands a ChecksFailedError across copies of the library (a project file may load its own): `dwh dq` reads
 * the failed checks task's results through it rather than instanceof or the shape of the error.
 */
const CHECKS_FAILED = Symbol.for('dwh.checks-failed');

/** A blocking error check failed (or could not run): the task fails, so the run fails. */
export class ChecksFailedError extends DwhError {
  readonly [CHECKS_FAILED] = true;
  declare readonly results: CheckResult[];
  declare readonly blockingFailures: CheckResult[];
  /** The checks came from metadata/validation.yaml. */
  declare readonly fromValidationFile: boolean;
  constructor(results: CheckResult[], blockingFailures: CheckResult[], fromValidationFile = false) {
    super(
      'CHECK',
      `${blockingFailures.length} blocking check(s) failed: ${blockingFailures.map((r) => `${r.name} (${r.message})`).join('; ')}`,
      { exitCode: EXIT.runFailed, retryable: false },
    );
    // not enumerable: the run log serialises errors with their own properties, and the results are stored already
    Object.defineProperty(this, 'results', { value: results, enumerable: false });
    Object.defineProperty(this, 'blockingFailures', { value: blockingFailures, enumerable: false });
    Object.defineProperty(this, 'fromValidationFile', { value: fromValidationFile, enumerable: false });
  }
}

/** The error is a ChecksFailedError, of this copy of dwh or another one. */
export function isChecksFailedError(error: unknown): error is ChecksFailedError {
  return (
    typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[CHECKS_FAILED] === true
  );
}

export function isBlockingFailure(result: Pick<CheckResult, 'severity' | 'blocking' | 'status'>): boolean {
  return (
    result.severity === 'error' && result.blocking && (result.status === 'fail' || result.status === 'error')
  );
}

function scopeOf(ctx: TaskContext, now = new Date()): CheckScope {
  const runId = ctx.runId > NO_RUN_ID ? ctx.runId : null;
  return {
    query: (text, values) => ctx.sql(text, values),
    project: ctx.project.name,
    projectDir: ctx.projectDir,
    environment: ctx.environment,
    runId,
    window: ctx.window,
    now,
    // run parameters by name (`where: 'country = :country'`); the window's names win over a run parameter's
    params: { ...ctx.params, ...windowParams(ctx.window, runId) },
  };
}

/** Evaluates one check; a check that cannot run gets status `error` instead of stopping the others. */
export async function evaluateCheck(check: Check, scope: CheckScope): Promise<CheckResult> {
  const handler = handlerOf(check.kind);
  const typed = check as CheckOf<CheckKind>;
  const severity = check.severity ?? 'error';
  const started = Date.now();
  const checkedAt = new Date();
  const base = {
    name: check.name ?? handler.describe(typed),
    kind: check.kind,
    table: handler.table(typed),
    severity,
    blocking: check.blocking ?? true,
    checkedAt,
  };
  try {
    if (check.after && !(await hasSuccessfulRun({ query: scope.query }, check.after))) {
      return {
        ...base,
        status: 'warn',
        observed: null,
        threshold: null,
        failingRows: null,
        sample: null,
        message: `skipped: project ${check.after} has no successful run yet`,
        durationMs: Date.now() - started,
      };
    }
    const evaluation = await handler.evaluate(typed, scope);
    const status: CheckStatus =
      evaluation.verdict === 'pass'
        ? 'pass'
        : evaluation.verdict === 'warn' || severity === 'warn'
          ? 'warn'
          : 'fail';
    return {
      ...base,
      status,
      observed: evaluation.observed,
      threshold: evaluation.threshold,
      failingRows: evaluation.failingRows,
      sample: evaluation.sample && redactValue(evaluation.sample),
      message: redactText(evaluation.message),
      durationMs: Date.now() - started,
    };
  } catch (error) {
    return {
      ...base,
      status: 'error',
      observed: null,
      threshold: null,
      failingRows: null,
      sample: null,
      message: redactText(`could not run: ${errorMessage(error)}`),
      durationMs: Date.now() - started,
    };
  }
}

/**
 * The task function of data quality checks: `task('checks', partial(runChecks, [notNull(…), unique(…)]))`, or
 * `task('validate', runChecks)` for the checks of metadata/validation.yaml. Every check runs and is stored in
 * dwh.dq_results; then a failing blocking error check fails the task. Warnings never fail it.
 */
export const runChecks = withOptionCheck(async function runChecks(
  ctx: TaskContext,
  checks?: Check[],
): Promise<ChecksOutcome> {
  const fromValidationFile = checks === undefined;
  const list = checks ?? loadValidationFile(ctx.projectDir);
  const scope = scopeOf(ctx);
  const results: CheckResult[] = [];
  for (const check of list) {
    ctx.signal.throwIfAborted();
    const result = await evaluateCheck(check, scope);
    results.push(result);
    const line = `check ${result.name}: ${result.status.toUpperCase()} — ${result.message}`;
    if (result.status === 'pass') ctx.log.info(line);
    else if (result.status === 'warn' || !isBlockingFailure(result)) ctx.log.warn(line);
    else ctx.log.error(line);
  }
  await insertDqResults(
    { query: ctx.sql },
    {
      runId: scope.runId,
      project: ctx.project.name,
      task: ctx.task.name,
      attempt: scope.runId === null ? null : ctx.task.attempt,
    },
    results,
  );
  const counts = (status: CheckStatus) => results.filter((r) => r.status === status).length;
  ctx.log.info(
    `${results.length} check(s)${fromValidationFile ? ` from ${VALIDATION_FILE}` : ''}: ${counts('pass')} passed, ` +
      `${counts('warn')} warned, ${counts('fail')} failed, ${counts('error')} could not run`,
  );
  const blocking = results.filter(isBlockingFailure);
  if (blocking.length) throw new ChecksFailedError(results, blocking, fromValidationFile);
  return { checks: results, fromValidationFile };
}, checkRunChecksOptions);
// `dwh dq` finds the tasks made from runChecks by this mark (partial keeps it)
markTaskKind(runChecks, 'checks');

/** A task made from runChecks: `task('validate', runChecks)` or `task('checks', partial(runChecks, [...]))`. */
export function isChecksTask(task: Pick<TaskDefinition, 'fn'>): boolean {
  return taskKindOf(task.fn) === 'checks';
}

/** Without checks of its own, runChecks reads metadata/validation.yaml: it is read when the project loads. */
function checkRunChecksOptions(args: readonly unknown[], context: { projectDir: string }): OptionProblem[] {
  if (args[0] !== undefined) {
    return Array.isArray(args[0])
      ? []
      : [{ key: 'checks', value: args[0], problem: 'must be a list of checks (notNull(…), unique(…), …)' }];
  }
  try {
    loadValidationFile(context.projectDir);
    return [];
  } catch (error) {
    return [problemFromError(error, '', undefined)];
  }
}
