import { ConfigError } from './errors.js';

/**
 * Tuning knobs read from the environment rather than config/dwh.yaml, because they concern one process (a test,
 * a container, a debugging session) rather than an environment of the warehouse. This is the one place that
 * reads them; README "Configuration" lists each with its default.
 */
export const RUNTIME_VARIABLES = {
  /** How often a running process writes etl_runs.heartbeat_at; three missed beats mean it is gone. */
  DWH_HEARTBEAT_MS: { defaultMs: 10_000, minMs: 1 },
  /** How long the watchdog thread waits for a stuck event loop before it ends the run and the process. */
  DWH_WATCHDOG_GRACE_MS: { defaultMs: 30_000, minMs: 0 },
  /** How long a short read-only command waits for the PGlite engine's directory lock. */
  DWH_LOCK_WAIT_MS: { defaultMs: 10_000, minMs: 0 },
} as const;

export type RuntimeVariable = keyof typeof RUNTIME_VARIABLES;

/** The variable's value in milliseconds, or its default when unset; a value that is not a number is an error. */
export function runtimeMs(name: RuntimeVariable, env: NodeJS.ProcessEnv = process.env): number {
  const { defaultMs, minMs } = RUNTIME_VARIABLES[name];
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return defaultMs;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < minMs) {
    throw new ConfigError(
      'environment',
      name,
      raw,
      `must be a number of milliseconds ≥ ${minMs} (default ${defaultMs})`,
    );
  }
  return value;
}

/** Reads every tuning variable once, so a bad value stops a command before it does anything (exit 2). */
export function checkRuntimeVariables(env: NodeJS.ProcessEnv = process.env): void {
  for (const name of Object.keys(RUNTIME_VARIABLES) as RuntimeVariable[]) runtimeMs(name, env);
}

/** `DWH_DEBUG` set to anything but empty or 0: unexpected errors print their stack trace. */
export function debugEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  const value = env.DWH_DEBUG;
  return value !== undefined && value !== '' && value !== '0';
}
