import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { DeployError } from './deploy-error.js';

interface Manifest {
  name?: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

function readManifest(dir: string): Manifest {
  return JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as Manifest;
}

/** Node's lookup: `<dir>/node_modules/<name>`, then each parent up to the package root. */
function resolvePackageDir(name: string, from: string, root: string): string | null {
  let dir = from;
  for (;;) {
    const candidate = path.join(dir, 'node_modules', name);
    if (existsSync(path.join(candidate, 'package.json'))) return candidate;
    if (dir === root) return null;
    const parent = path.dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

/**
 * The installed folders (relative to `root`, e.g. `node_modules/pg`) of the production dependency closure of
 * the package at `root`: what an image needs at run time, without test and build tools. Optional and peer
 * dependencies are followed when they are installed.
 */
export function productionPackages(root: string): string[] {
  const found = new Set<string>();
  const queue: string[] = [root];
  while (queue.length) {
    const dir = queue.shift()!;
    const manifest = readManifest(dir);
    const required = Object.keys(manifest.dependencies ?? {});
    const optional = [
      ...Object.keys(manifest.optionalDependencies ?? {}),
      ...Object.keys(manifest.peerDependencies ?? {}),
    ];
    for (const [name, mustExist] of [
      ...required.map((n) => [n, true] as const),
      ...optional.map((n) => [n, false] as const),
    ]) {
      const resolved = resolvePackageDir(name, dir, root);
      if (!resolved) {
        if (mustExist && !optional.includes(name)) {
          throw new DeployError(
            `dependency '${name}' of ${path.relative(root, dir) || 'the package'} is not installed; run npm install`,
          );
        }
        continue;
      }
      const relative = path.relative(root, resolved);
      if (found.has(relative)) continue;
      found.add(relative);
      queue.push(resolved);
    }
  }
  // A folder nested in another one's node_modules travels with its parent.
  const sorted = [...found].sort();
  return sorted.filter(
    (dir) => !sorted.some((other) => other !== dir && dir.startsWith(`${other}${path.sep}`)),
  );
}
