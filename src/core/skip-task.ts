import { DwhError, EXIT } from './errors.js';

/**
 * Thrown by a task to end `skipped` instead of `success` or `failed` (Airflow's AirflowSkipException):
 * `throw new TaskSkipped('no file today')`; a sensor with `softFail` throws it when its timeout passes. The
 * attempt is recorded `skipped` with the reason in error_message and is not retried; the tasks after it follow
 * the skip through their trigger rules (an `all_success` task after it is skipped too). A skip may lose work,
 * so the run is `partial` (not the base of the next incremental window) unless the task declares there was
 * nothing to do: `new TaskSkipped('the source is empty', { nothingToDo: true })`.
 *
 * Recognised by a brand (`Symbol.for`, shared by every copy of dwh in the process), not by `instanceof`: a
 * project file may load its own copy of dwh and throw that copy's class.
 */
const SKIP_BRAND = Symbol.for('dwh.skip-task');

export class TaskSkipped extends DwhError {
  /** The skip lost nothing: the run stays complete for the watermark. (Default: false) */
  readonly nothingToDo: boolean;

  constructor(
    readonly reason: string,
    options: { nothingToDo?: boolean } = {},
  ) {
    super('TASK_SKIPPED', reason, { exitCode: EXIT.success, retryable: false });
    this.nothingToDo = options.nothingToDo === true;
    Object.defineProperty(this, SKIP_BRAND, { value: true, enumerable: false });
  }
}

/** Whether `thrown` is a TaskSkipped of any copy of dwh (its `nothingToDo` is then read as it is). */
export function isTaskSkip(thrown: unknown): thrown is TaskSkipped {
  return (
    typeof thrown === 'object' &&
    thrown !== null &&
    (thrown as { [SKIP_BRAND]?: unknown })[SKIP_BRAND] === true
  );
}
