import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { registerAirflow } from './airflow.js';
import { registerBackfill } from './backfill.js';
import { registerDb } from './db.js';
import { registerCron } from './cron.js';
import { registerDocker } from './docker.js';
import { registerEmail } from './email.js';
import { registerDq } from './dq.js';
import { registerInit } from './init.js';
import { registerList } from './list.js';
import { registerMonitor } from './monitor.js';
import { registerNew } from './new.js';
import { registerRun } from './run.js';
import { registerRuns } from './runs.js';
import { registerSchedule } from './schedule.js';
import { registerSql } from './sql.js';
import { registerUi } from './ui.js';
import { registerValidate } from './validate.js';

/**
 * The `dwh` command. Each command lives in its own file and imports its heavy modules (databases, logging)
 * only when it runs, so `dwh --help` starts fast.
 */
export function buildProgram(): Command {
  const program = new Command('dwh')
    .description(
      'Batch ETL for PostgreSQL warehouses: runs projects/<group>/<name> task lists with retries, load windows and an audit trail.',
    )
    .version(packageVersion(), '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .addHelpText(
      'after',
      `
Environment:
  DWH_DATABASE_URL   PostgreSQL server URL (default: the embedded server in metadata/postgres, see dwh db)
  DWH_DATABASE_ENGINE  pglite: the in-process PGlite engine instead of the embedded server
  DWH_ENV            environment of config/dwh.yaml (default: its defaultEnvironment)
  DWH_HOME           folder holding projects/ and config/ (default: found upward from the working directory)
  DWH_METADATA_DIR   logs, output and the embedded database (default: <home>/metadata)

Exit codes: 0 success, 1 run failed, 2 bad usage or configuration, 3 refused (project already running).`,
    );
  program.configureHelp({ sortSubcommands: false, showGlobalOptions: true });
  for (const register of [
    registerRun,
    registerList,
    registerValidate,
    registerRuns,
    registerSql,
    registerInit,
    registerNew,
    registerMonitor,
    registerUi,
    registerEmail,
    registerBackfill,
    registerCron,
    registerSchedule,
    registerAirflow,
    registerDocker,
    registerDq,
    registerDb,
  ]) {
    register(program);
  }
  for (const command of program.commands) command.exitOverride();
  return program;
}

function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}
