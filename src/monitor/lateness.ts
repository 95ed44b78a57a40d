import { CronExpressionParser } from 'cron-parser';
import { errorMessage } from '../core/errors.js';

/**
 * Is a project late? Its `schedule` (cron, evaluated in UTC like every time in dwh) says when it should last
 * have started: the latest fire time at or before now ("due"). A successful run that started at or after
 * "due" means the project is on time. Without one, the project is waiting during a grace period (a scheduler
 * may start a few seconds late, and the run needs time to finish) and late after it.
 */

type LatenessState =
  'on_time' | 'waiting' | 'running' | 'late' | 'never_succeeded' | 'unscheduled' | 'invalid_schedule';

export interface Lateness {
  state: LatenessState;
  /** The latest scheduled start at or before now. */
  due: Date | null;
  /** The next scheduled start. */
  next: Date | null;
  /** now − due, when late. */
  lateByMs: number | null;
  /** A sentence for people: why this state. */
  reason: string;
}

export interface LatenessInput {
  schedule: string | undefined;
  /** Start of the latest successful run. */
  lastSuccessStart: Date | null;
  /** Start of a run of the project that is still running, if any. */
  runningSince: Date | null;
  /** The latest run recorded as running whose heartbeat is stale: it does not count as running. (Default: none) */
  lostRun?: { runId: number; startedAt: Date; heartbeatAt: Date } | null;
  now: Date;
  graceMs: number;
}

/** Grace after the due time: the longer of 15 minutes and twice the usual (median) run duration. */
export const MIN_GRACE_MS = 15 * 60_000;
export function graceFor(medianDurationMs: number | null): number {
  return Math.max(MIN_GRACE_MS, 2 * (medianDurationMs ?? 0));
}

export function assessLateness(input: LatenessInput): Lateness {
  const { schedule, lastSuccessStart, runningSince, now } = input;
  if (!schedule)
    return {
      state: 'unscheduled',
      due: null,
      next: null,
      lateByMs: null,
      reason: 'no schedule in parameters',
    };
  let due: Date;
  let next: Date;
  try {
    const expression = CronExpressionParser.parse(schedule, { currentDate: now, tz: 'UTC' });
    next = expression.next().toDate();
    // prev() is strictly before its start: starting 1 ms after now makes a fire time exactly at now count as due
    expression.reset(new Date(now.getTime() + 1));
    due = expression.prev().toDate();
  } catch (error) {
    return {
      state: 'invalid_schedule',
      due: null,
      next: null,
      lateByMs: null,
      reason: `schedule '${schedule}' is not a valid cron expression: ${errorMessage(error)}`,
    };
  }
  if (lastSuccessStart && lastSuccessStart.getTime() >= due.getTime())
    return { state: 'on_time', due, next, lateByMs: null, reason: 'succeeded since it was last due' };
  if (runningSince && runningSince.getTime() >= due.getTime())
    return { state: 'running', due, next, lateByMs: null, reason: 'the run for this schedule is running' };
  const overdue = now.getTime() - due.getTime();
  const lost = input.lostRun
    ? `; run ${input.lostRun.runId} was lost (recorded as running, no heartbeat since ${input.lostRun.heartbeatAt.toISOString()})`
    : '';
  if (overdue <= input.graceMs)
    return {
      state: 'waiting',
      due,
      next,
      lateByMs: null,
      reason: `due recently; within the grace period${lost}`,
    };
  if (!lastSuccessStart)
    return { state: 'never_succeeded', due, next, lateByMs: overdue, reason: `no successful run yet${lost}` };
  return {
    state: 'late',
    due,
    next,
    lateByMs: overdue,
    reason: `no successful run started since it was last due${lost}`,
  };
}
