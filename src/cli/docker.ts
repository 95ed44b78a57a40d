import type { Command } from 'commander';

export function registerDocker(program: Command): void {
  const docker = program
    .command('docker')
    .description(
      'build and run one Docker image per project (Docker engine via DOCKER_HOST or the local socket)',
    );
  docker
    .command('build')
    .description('build the image of a project: the dwh package, its production dependencies and the project')
    .argument('<project>', 'project <name> or <group>/<name>')
    .option('-t, --tag <tag>', 'image tag (default: dwh-<name>:latest)')
    .option('--base-image <image>', "Dockerfile's BASE_IMAGE (default: node:20-slim)")
    .addHelpText(
      'after',
      `
The Dockerfile and entrypoint come from <home>/docker/ when present, else from the dwh package.
config/ is not copied into the image: \`dwh docker run\` mounts it read-only.`,
    )
    .action(async (project: string, options: { tag?: string; baseImage?: string }) => {
      const { buildProjectImage } = await import('../deploy/docker-image.js');
      await buildProjectImage(
        {
          project,
          ...(options.tag ? { tag: options.tag } : {}),
          ...(options.baseImage ? { baseImage: options.baseImage } : {}),
        },
        (text) => process.stdout.write(text),
      );
    });
  docker
    .command('run')
    .description("run a project's image once; its exit code is dwh's (0, 1, 2 or 3)")
    .argument('<project>', 'project <name> or <group>/<name>')
    .argument('[args...]', 'after --: arguments of dwh run (or: backfill -s … -e …)')
    .option('--image <image>', 'image to run (default: dwh-<name>:latest)')
    .option('--network <mode>', 'Docker network mode (default: host, so 127.0.0.1 is the host)')
    .option('--volume <name>', 'named volume for metadata/ (default: bind-mount the home metadata folder)')
    .option('-E, --env-var <KEY=VALUE>', 'variable for the container (repeatable)', collect, [])
    .option('--user <user>', 'user[:group] in the container (default: the image user)')
    .addHelpText(
      'after',
      `
Mounted: <home>/config → /opt/dwh/config (read-only), metadata → /opt/dwh/metadata.
Passed through from this shell: DWH_DATABASE_URL, DWH_ENV, DWH_GIT_SHA, TZ.

Examples:
  dwh docker run demo_sales
  dwh docker run demo_sales -- --load-type F
  dwh docker run demo_sales -- backfill --start-date 2026-01-01 --end-date 2026-02-01 --load-days 7`,
    )
    .action(async (project: string, args: string[], options: DockerRunCliOptions) => {
      const { runProjectContainer } = await import('../deploy/docker-image.js');
      process.exitCode = await runProjectContainer(
        {
          project,
          args,
          envVars: options.envVar,
          ...(options.image ? { image: options.image } : {}),
          ...(options.network ? { network: options.network } : {}),
          ...(options.volume ? { volume: options.volume } : {}),
          ...(options.user ? { user: options.user } : {}),
        },
        {
          stdout: process.stdout,
          stderr: process.stderr,
          print: (line) => process.stderr.write(`${line}\n`),
        },
      );
    });
  docker
    .command('base-image')
    .description("import a Node.js base image from this machine's node binary (for hosts without a registry)")
    .option('-t, --tag <tag>', 'image tag (default: dwh-node-base:local)')
    .action(async (options: { tag?: string }) => {
      const { importHostNodeImage } = await import('../deploy/node-base-image.js');
      const tag = await importHostNodeImage(options.tag ?? 'dwh-node-base:local', (text) =>
        process.stdout.write(text),
      );
      process.stdout.write(`imported ${tag}; build with: dwh docker build <project> --base-image ${tag}\n`);
    });
}

interface DockerRunCliOptions {
  image?: string;
  network?: string;
  volume?: string;
  envVar: string[];
  user?: string;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
