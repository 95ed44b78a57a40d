import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

export const repoRoot = path.resolve(import.meta.dirname, '../..');
export const cliPath = path.join(repoRoot, 'dist/cli/main.js');
export const fixtureHome = path.join(repoRoot, 'tests/fixtures/home');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built `dwh` CLI as a user would, in its own process. */
export function runCli(
  args: string[],
  options: { env?: Record<string, string>; cwd?: string; timeoutMs?: number } = {},
): Promise<CliResult> {
  const child = startCli(args, options);
  return collect(child, options.timeoutMs ?? 60_000);
}

/** `detached`: the CLI leads a process group of its own, so a test can signal the group (`-pid`). */
export function startCli(
  args: string[],
  options: { env?: Record<string, string>; cwd?: string; detached?: boolean } = {},
): ChildProcess {
  const child = spawn(process.execPath, [cliPath, ...args], {
    cwd: options.cwd ?? repoRoot,
    env: { ...cleanEnv(), ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: options.detached ?? false,
  });
  watch(child);
  return child;
}

interface Watched {
  stdout: string;
  stderr: string;
  closed: Promise<number | null>;
}

const watched = new WeakMap<ChildProcess, Watched>();

/**
 * Output and exit are recorded from the start, so a test that collects a child late (after it has already
 * exited) still gets its output and exit code instead of waiting for a 'close' that has already happened.
 */
function watch(child: ChildProcess): Watched {
  const known = watched.get(child);
  if (known) return known;
  const state: Watched = {
    stdout: '',
    stderr: '',
    closed: new Promise((resolve, reject) => {
      child.on('error', reject);
      child.on('close', (code) => resolve(code));
    }),
  };
  // a rejection here is reported by collect(); keep it from being unhandled before then
  state.closed.catch(() => {});
  child.stdout?.on('data', (chunk: Buffer) => (state.stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (state.stderr += chunk.toString()));
  watched.set(child, state);
  return state;
}

export function collect(child: ChildProcess, timeoutMs: number): Promise<CliResult> {
  const state = watch(child);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(
          `dwh did not finish in ${timeoutMs} ms\nstdout:\n${state.stdout}\nstderr:\n${state.stderr}`,
        ),
      );
    }, timeoutMs);
    state.closed.then(
      (code) => {
        clearTimeout(timer);
        resolve({ code, stdout: state.stdout, stderr: state.stderr });
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

/** The test runner's environment without anything that would select another database or home. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const key of Object.keys(env))
    if (key.startsWith('DWH_') || key.startsWith('VITEST') || key === 'NODE_OPTIONS') delete env[key];
  env.NO_COLOR = '1';
  return env;
}
