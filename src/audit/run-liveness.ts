/**
 * When is a run's heartbeat stale? A running process writes `etl_runs.heartbeat_at` every `heartbeat_ms`
 * (DWH_HEARTBEAT_MS, default 10 s). Three missed heartbeats in a row mean the process is gone (or its event loop
 * is stuck): crash recovery may then mark the run crashed, and the monitor shows it as `lost`.
 */

/** (Default heartbeat interval: 10 000 ms) */
export const DEFAULT_HEARTBEAT_MS = 10_000;
export const MISSED_HEARTBEATS = 3;

export function heartbeatInterval(env: NodeJS.ProcessEnv = process.env): number {
  const value = Number(env.DWH_HEARTBEAT_MS ?? DEFAULT_HEARTBEAT_MS);
  return Number.isFinite(value) && value > 0 ? value : DEFAULT_HEARTBEAT_MS;
}

/** How old a heartbeat may be before its run counts as lost. Rows without an interval use the default. */
export function staleAfterMs(heartbeatMs: number | null | undefined): number {
  return MISSED_HEARTBEATS * (heartbeatMs ?? DEFAULT_HEARTBEAT_MS);
}

export function isHeartbeatStale(run: { heartbeatAt: Date; heartbeatMs: number | null }, now: Date): boolean {
  return now.getTime() - run.heartbeatAt.getTime() > staleAfterMs(run.heartbeatMs);
}
