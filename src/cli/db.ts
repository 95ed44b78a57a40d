import type { Command } from 'commander';
import type { ResolvedConfig } from '../core/config.js';
import { DwhError, EXIT, UsageError } from '../core/errors.js';
import { envOption } from './env-option.js';

/** `dwh db …`: the embedded PostgreSQL server in <metadata>/postgres (the warehouse when no URL is set). */
export function registerDb(program: Command): void {
  const db = program
    .command('db')
    .description('the embedded PostgreSQL server: status, start, stop, a connection URL, psql')
    .addHelpText(
      'after',
      `
Without a database URL, dwh keeps its warehouse in a PostgreSQL server of its own (data in metadata/postgres/).
The first command that needs it starts it; it keeps running until \`dwh db stop\`.

Examples:
  dwh db status
  psql "$(dwh db url)"              connect psql (or paste the URL into a BI tool)
  dwh db stop                       refused while runs are going; --force ends them`,
    );
  db.command('status')
    .description('whether the server runs, where it listens and where its data is')
    .addOption(envOption())
    .action(async (options: { env?: string }) => {
      const config = await embeddedConfig(options.env);
      const { findEmbeddedServer, embeddedServerExists, embeddedDataDir } =
        await import('../db/embedded-server.js');
      const { maskUrl } = await import('../logging/redact.js');
      const server = await findEmbeddedServer(config.embeddedDir);
      const lines = [`data:    ${config.embeddedDir}`];
      const dataDir = embeddedDataDir(config.embeddedDir);
      if (dataDir.moved)
        lines.push(`datadir: ${dataDir.data}   (the postgres account cannot enter ${config.embeddedDir})`);
      if (server) {
        lines.unshift(`running: PostgreSQL ${server.state.major} since ${server.state.startedAt}`);
        lines.push(`listens: ${server.state.host}:${server.state.port}`);
        if (server.state.socketDir) lines.push(`socket:  ${server.state.socketDir}`);
        lines.push(`url:     ${maskUrl(server.url)}   (dwh db url prints it with the password)`);
      } else {
        lines.unshift(
          embeddedServerExists(config.embeddedDir)
            ? 'stopped (the next command that needs the warehouse starts it, or dwh db start)'
            : 'not created yet (the next command that needs the warehouse creates and starts it)',
        );
      }
      process.stdout.write(`${lines.join('\n')}\n`);
    });
  db.command('start')
    .description('start the server (creating it first when needed); a running server is left as it is')
    .addOption(envOption())
    .action(async (options: { env?: string }) => {
      const config = await embeddedConfig(options.env);
      const { ensureEmbeddedServer } = await import('../db/embedded-server.js');
      const server = await ensureEmbeddedServer(config.embeddedDir);
      process.stdout.write(
        `running: PostgreSQL ${server.state.major} on ${server.state.host}:${server.state.port} (data in ${config.embeddedDir})\n`,
      );
    });
  db.command('stop')
    .description('stop the server; refused while runs are going unless --force')
    .option('--force', 'stop even while runs are going (they fail and are marked crashed later)')
    .addOption(envOption())
    .action(async (options: { env?: string; force?: boolean }) => {
      const config = await embeddedConfig(options.env);
      const { findEmbeddedServer, stopEmbeddedServer } = await import('../db/embedded-server.js');
      const server = await findEmbeddedServer(config.embeddedDir);
      if (server && !options.force) await refuseWhileRunning(server.url);
      const outcome = await stopEmbeddedServer(config.embeddedDir);
      process.stdout.write(outcome === 'stopped' ? 'stopped\n' : 'not running\n');
    });
  db.command('url')
    .description('print a connection URL (with the password) for psql or a BI tool; starts the server')
    .addOption(envOption())
    .action(async (options: { env?: string }) => {
      const config = await embeddedConfig(options.env);
      const { ensureEmbeddedServer } = await import('../db/embedded-server.js');
      const { writeUnredacted } = await import('./console-redaction.js');
      writeUnredacted(process.stdout, `${(await ensureEmbeddedServer(config.embeddedDir)).url}\n`);
    });
  db.command('psql')
    .description('open psql on the warehouse (needs the psql client installed); arguments go to psql')
    .argument('[args...]', 'psql arguments, after --')
    .addOption(envOption())
    .action(async (args: string[], options: { env?: string }) => {
      const config = await embeddedConfig(options.env);
      const { ensureEmbeddedServer } = await import('../db/embedded-server.js');
      const { url } = await ensureEmbeddedServer(config.embeddedDir);
      process.exitCode = await runPsql(url, args);
    });
}

async function embeddedConfig(env: string | undefined): Promise<ResolvedConfig> {
  const { loadConfig } = await import('../core/config.js');
  const config = loadConfig(env ? { environment: env } : {});
  if (config.databaseUrl)
    throw new UsageError(
      'the warehouse is a server given by URL (DWH_DATABASE_URL or database.url), not the embedded server; ' +
        'dwh db manages only the embedded server',
    );
  if (config.engine === 'pglite')
    throw new UsageError('the warehouse is PGlite (database.engine: pglite), not the embedded server');
  return config;
}

async function refuseWhileRunning(url: string): Promise<void> {
  const [{ openWarehouse }, { listActiveRuns }] = await Promise.all([
    import('../db/connection.js'),
    import('../audit/active-runs.js'),
  ]);
  const warehouse = await openWarehouse({
    url,
    engine: 'embedded',
    embeddedDir: '',
    pgliteDir: '',
    command: 'db stop',
  });
  try {
    const active = await listActiveRuns(warehouse);
    if (!active.length) return;
    const names = active
      .map((run) => `run ${run.runId} of ${run.project} (pid ${run.pid} on ${run.host})`)
      .join(', ');
    throw new DwhError('LOCKED', `runs are going: ${names}; wait for them or use dwh db stop --force`, {
      exitCode: EXIT.refused,
    });
  } finally {
    await warehouse.close();
  }
}

async function runPsql(url: string, args: string[]): Promise<number> {
  const { spawn } = await import('node:child_process');
  // the password goes through the environment, not the command line other users can see
  const parsed = new URL(url);
  const password = decodeURIComponent(parsed.password);
  parsed.password = '';
  return new Promise((resolve, reject) => {
    const child = spawn('psql', [parsed.toString(), ...args], {
      stdio: 'inherit',
      env: { ...process.env, PGPASSWORD: password },
    });
    child.on('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'ENOENT'
          ? new UsageError('psql is not installed; install the PostgreSQL client, or use dwh sql "<query>"')
          : error,
      ),
    );
    child.on('close', (code) => resolve(code ?? 1));
  });
}
