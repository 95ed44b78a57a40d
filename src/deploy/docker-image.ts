import { existsSync } from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../core/config.js';
import { UsageError } from '../core/errors.js';
import { DeployError } from './deploy-error.js';
import { findProject, loadProject } from '../core/project-loader.js';
import { prepareBuildContext } from './docker-context.js';
import { connectDocker, followProgress } from './docker-engine.js';

export interface DockerBuildRequest {
  /** `<name>` or `<group>/<name>`. */
  project: string;
  /** Image tag. (Default: dwh-<name>:latest) */
  tag?: string;
  /** The Dockerfile's BASE_IMAGE build argument. (Default: the Dockerfile's, node:20-slim) */
  baseImage?: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

function defaultImageTag(project: string): string {
  return `dwh-${project}:latest`;
}

/**
 * Builds the image of one project with the engine's builder: the dwh package with its production
 * dependencies plus the project folder. The project is loaded first so a broken project never becomes an image.
 */
export async function buildProjectImage(
  request: DockerBuildRequest,
  print: (text: string) => void = () => {},
): Promise<{ tag: string; imageId: string | null }> {
  const config = loadConfig({
    ...(request.env ? { env: request.env } : {}),
    ...(request.cwd ? { cwd: request.cwd } : {}),
  });
  const ref = findProject(config.paths.projectsDir, request.project);
  await loadProject(ref, { home: config.paths.home, overrides: config.settings.projects[ref.name] });
  const tag = request.tag ?? defaultImageTag(ref.name);
  const docker = await connectDocker();
  const context = prepareBuildContext(config.paths.home, ref);
  try {
    const { default: tar } = await import('tar-fs');
    print(`building ${tag} for ${ref.group}/${ref.name} from ${context.dockerfile}\n`);
    const pack = tar.pack(context.dir, { dereference: true });
    const stream = await docker.buildImage(pack as unknown as NodeJS.ReadableStream, {
      t: tag,
      rm: true,
      forcerm: true,
      buildargs: {
        DWH_PROJECT: `${ref.group}/${ref.name}`,
        ...(request.baseImage ? { BASE_IMAGE: request.baseImage } : {}),
      },
    });
    const events = await followProgress(docker, stream, `docker build of ${tag}`, print);
    const imageId = events.find((e) => e.aux?.ID)?.aux?.ID ?? null;
    print(`built ${tag}${imageId ? ` (${imageId.slice(0, 19)})` : ''}\n`);
    return { tag, imageId };
  } finally {
    context.remove();
  }
}

export interface DockerRunRequest {
  project: string;
  /** Image to run. (Default: dwh-<name>:latest) */
  image?: string;
  /** Arguments for the image's entrypoint: `--load-type F`, `backfill -s … -e …`. (Default: none = dwh run) */
  args?: string[];
  /** Docker network mode; host lets 127.0.0.1 reach the host's database. (Default: host) */
  network?: string;
  /** A named volume for metadata/ instead of the home's metadata folder. (Default: the folder, bind-mounted) */
  volume?: string;
  /** Extra `KEY=VALUE` variables for the container. */
  envVars?: string[];
  /** user[:group] inside the container. (Default: the image's) */
  user?: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

/** Variables that describe how to reach the database and which environment to use, passed through. */
const PASSED_THROUGH = ['DWH_DATABASE_URL', 'DWH_ENV', 'DWH_GIT_SHA', 'DWH_HEARTBEAT_MS', 'TZ'];

/**
 * Runs the project's image once, streaming its output, and returns the container's exit code. config/ is
 * mounted read-only (secrets never enter the image), metadata/ is a volume so logs and the embedded database
 * outlive the container.
 */
export async function runProjectContainer(
  request: DockerRunRequest,
  out: { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream; print: (line: string) => void },
): Promise<number> {
  const env = request.env ?? process.env;
  const config = loadConfig({ env, ...(request.cwd ? { cwd: request.cwd } : {}) });
  const ref = findProject(config.paths.projectsDir, request.project);
  const image = request.image ?? defaultImageTag(ref.name);
  const docker = await connectDocker();
  try {
    await docker.getImage(image).inspect();
  } catch {
    throw new DeployError(
      `docker run: image ${image} not found; build it with: dwh docker build ${ref.name}`,
    );
  }
  const binds: string[] = [];
  const configDir = path.dirname(config.paths.configFile);
  if (existsSync(configDir)) binds.push(`${configDir}:/opt/dwh/config:ro`);
  binds.push(`${request.volume ?? config.paths.metadataDir}:/opt/dwh/metadata`);
  const variables = PASSED_THROUGH.filter((key) => env[key]).map((key) => `${key}=${env[key]}`);
  // An embedded database inside the mounted metadata folder is found at the same place in the container.
  if (env.DWH_PGLITE_DIR && !request.volume) {
    const inside = path.relative(config.paths.metadataDir, path.resolve(env.DWH_PGLITE_DIR));
    if (!inside.startsWith('..') && !path.isAbsolute(inside))
      variables.push(`DWH_PGLITE_DIR=${path.posix.join('/opt/dwh/metadata', ...inside.split(path.sep))}`);
  }
  for (const pair of request.envVars ?? []) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*=/.test(pair)) {
      throw new UsageError(`--env-var: '${pair.split('=')[0]}' must be KEY=VALUE`);
    }
    variables.push(pair);
  }
  const container = await docker.createContainer({
    Image: image,
    Cmd: request.args ?? [],
    Env: variables,
    Tty: false,
    AttachStdout: true,
    AttachStderr: true,
    ...(request.user ? { User: request.user } : {}),
    HostConfig: { Binds: binds, NetworkMode: request.network ?? 'host' },
  });
  out.print(
    `container ${container.id.slice(0, 12)} of ${image}: ${['dwh-entrypoint', ...(request.args ?? [])].join(' ')}`,
  );
  const stream = await container.attach({ stream: true, stdout: true, stderr: true });
  const ended = new Promise<void>((resolve) => stream.on('end', resolve));
  docker.modem.demuxStream(stream, out.stdout, out.stderr);
  const forward = (signal: NodeJS.Signals) => {
    out.print(`received ${signal}: passing it to the container`);
    container.kill({ signal }).catch(() => {
      // already stopped: nothing left to signal
    });
  };
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  try {
    await container.start();
    const result = (await container.wait()) as { StatusCode: number };
    // the log stream ends right after the container; do not hang on an engine that never closes it
    await Promise.race([ended, new Promise((resolve) => setTimeout(resolve, 5000).unref())]);
    return result.StatusCode;
  } finally {
    process.off('SIGINT', forward);
    process.off('SIGTERM', forward);
    await container.remove({ force: true });
  }
}
