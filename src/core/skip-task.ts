import { DwhError, EXIT } from './errors.js';

/**
 * Thrown by a task to end `skipped` instead of `success` or `failed` — what a sensor with `softFail` does when
 * its timeout passes (Airflow's AirflowSkipException). The attempt is recorded `skipped` with the reason in
 * error_message and is not retried; the tasks after it follow the skip through their trigger rules (an
 * `all_success` task after it is skipped too). The skip loses work, so the run is `partial`: it is not the
 * base of the next incremental window.
 *
 * Recognised by a brand (`Symbol.for`, shared by every copy of dwh in the process), not by `instanceof`: a
 * project file may load its own copy of dwh and throw that copy's class.
 */
const SKIP_BRAND = Symbol.for('dwh.skip-task');

export class TaskSkipped extends DwhError {
  constructor(readonly reason: string) {
    super('TASK_SKIPPED', reason, { exitCode: EXIT.success, retryable: false });
    Object.defineProperty(this, SKIP_BRAND, { value: true, enumerable: false });
  }
}

/** Whether `thrown` is a TaskSkipped of any copy of dwh. */
export function isTaskSkip(thrown: unknown): thrown is TaskSkipped {
  return (
    typeof thrown === 'object' &&
    thrown !== null &&
    (thrown as { [SKIP_BRAND]?: unknown })[SKIP_BRAND] === true
  );
}
