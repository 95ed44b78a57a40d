import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DeployError } from './deploy-error.js';
import type { ProjectRef } from '../core/project-loader.js';
import { productionPackages } from './production-packages.js';

/** The installed dwh package: where dist/, package.json, node_modules/ and docker/ are. */
const packageRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface BuildContext {
  /** Folder to pack with symlinks followed: Dockerfile, entrypoint.sh, app/. */
  dir: string;
  /** Where the Dockerfile was taken from, for messages. */
  dockerfile: string;
  remove(): void;
}

/**
 * The Dockerfile and entrypoint: the home's own `docker/` when it has them (a customised image), else the ones
 * shipped with the package.
 */
function dockerTemplateDir(home: string): string {
  const own = path.join(home, 'docker');
  if (existsSync(path.join(own, 'Dockerfile')) && existsSync(path.join(own, 'entrypoint.sh'))) return own;
  return path.join(packageRoot, 'docker');
}

/**
 * A build context made of links to the real files (packed with links followed), so nothing large is copied:
 * `app/` = package.json + dist/ + the production node_modules + projects/<group>/<name>. config/ and
 * metadata/ are deliberately absent: they are mounted when the container runs.
 */
export function prepareBuildContext(home: string, project: ProjectRef): BuildContext {
  const templates = dockerTemplateDir(home);
  for (const file of ['Dockerfile', 'entrypoint.sh']) {
    if (!existsSync(path.join(templates, file))) {
      throw new DeployError(`docker build: ${path.join(templates, file)} is missing`);
    }
  }
  if (!existsSync(path.join(packageRoot, 'dist', 'cli', 'main.js'))) {
    throw new DeployError(`docker build: ${path.join(packageRoot, 'dist')} is missing: run npm run build`);
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), `dwh-docker-${project.name}-`));
  try {
    copyFileSync(path.join(templates, 'Dockerfile'), path.join(dir, 'Dockerfile'));
    copyFileSync(path.join(templates, 'entrypoint.sh'), path.join(dir, 'entrypoint.sh'));
    chmodSync(path.join(dir, 'entrypoint.sh'), 0o755);
    const app = path.join(dir, 'app');
    const link = (target: string, at: string) => {
      mkdirSync(path.dirname(path.join(app, at)), { recursive: true });
      symlinkSync(target, path.join(app, at));
    };
    link(path.join(packageRoot, 'package.json'), 'package.json');
    link(path.join(packageRoot, 'dist'), 'dist');
    for (const pkg of productionPackages(packageRoot)) link(path.join(packageRoot, pkg), pkg);
    link(project.dir, path.join('projects', project.group, project.name));
    return {
      dir,
      dockerfile: path.join(templates, 'Dockerfile'),
      remove: () => rmSync(dir, { recursive: true, force: true }),
    };
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}
