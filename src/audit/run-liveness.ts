/**
 * When is a run's heartbeat stale? A running process writes `etl_runs.heartbeat_at` every `heartbeat_ms`
 * (DWH_HEARTBEAT_MS, default 10 s). Three missed heartbeats in a row mean the process is gone (or its event loop
 * is stuck): crash recovery may then mark the run crashed, and the monitor shows it as `lost`.
 */

import { RUNTIME_VARIABLES, runtimeMs } from '../core/runtime-env.js';

/** (Default heartbeat interval: 10 000 ms) */
export const DEFAULT_HEARTBEAT_MS = RUNTIME_VARIABLES.DWH_HEARTBEAT_MS.defaultMs;
export const MISSED_HEARTBEATS = 3;

/** DWH_HEARTBEAT_MS, else the default; a value that is not a number of milliseconds is a ConfigError. */
export function heartbeatInterval(env: NodeJS.ProcessEnv = process.env): number {
  return runtimeMs('DWH_HEARTBEAT_MS', env);
}

/** How old a heartbeat may be before its run counts as lost. Rows without an interval use the default. */
export function staleAfterMs(heartbeatMs: number | null | undefined): number {
  return MISSED_HEARTBEATS * (heartbeatMs ?? DEFAULT_HEARTBEAT_MS);
}

export function isHeartbeatStale(run: { heartbeatAt: Date; heartbeatMs: number | null }, now: Date): boolean {
  return now.getTime() - run.heartbeatAt.getTime() > staleAfterMs(run.heartbeatMs);
}
