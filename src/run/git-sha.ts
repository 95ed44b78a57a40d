import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

/** The commit the project's folder is checked out at, for etl_runs.git_sha; DWH_GIT_SHA overrides it. */
export async function gitSha(dir: string): Promise<string | null> {
  if (process.env.DWH_GIT_SHA) return process.env.DWH_GIT_SHA;
  try {
    const { stdout } = await promisify(execFile)('git', ['rev-parse', 'HEAD'], { cwd: dir, timeout: 5000 });
    return stdout.trim() || null;
  } catch {
    // not a git checkout (e.g. inside a container image): the column stays null
    return null;
  }
}
