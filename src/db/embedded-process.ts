import { spawn } from 'node:child_process';
import type { ServerAccount } from './embedded-os-user.js';

export interface ProcessResult {
  code: number | null;
  output: string;
}

/** Runs a PostgreSQL program (as the server account when dwh is root) and collects what it printed. */
export function runProgram(
  file: string,
  args: string[],
  account: ServerAccount | null,
  timeoutMs = 120_000,
  /** A file descriptor for the program's stdout and stderr (then `output` stays empty); default: collected. */
  outputFd?: number,
): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, {
      ...(account ? { uid: account.uid, gid: account.gid } : {}),
      // messages in English whatever the machine's locale, and no PG* variable of the user's shell
      env: { ...withoutPgVariables(process.env), LC_ALL: 'C', LANG: 'C' },
      stdio: ['ignore', outputFd ?? 'pipe', outputFd ?? 'pipe'],
      // the server account may not be allowed into the caller's working directory
      cwd: '/',
    });
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output: output.trim() });
    });
  });
}

function withoutPgVariables(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([key]) => !key.startsWith('PG')));
}
