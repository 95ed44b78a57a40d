import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { withWarehouse } from './with-warehouse.js';
import { envOption } from './env-option.js';

const DEFAULT_CONFIG = `# dwh configuration. Select an environment with --env or DWH_ENV.
# Values may reference environment variables \${env:NAME} or files \${file:local/name} (config/local/ is git-ignored).
defaultEnvironment: local
environments:
  local:
    database: {}            # no url: the embedded PostgreSQL server in metadata/postgres
  prod:
    database:
      url: \${env:DWH_PROD_DATABASE_URL}
`;

export function registerInit(program: Command): void {
  program
    .command('init')
    .description('create config/dwh.yaml (if missing) and the audit schema dwh in the configured database')
    .addOption(envOption())
    .action(async (options: { env?: string }) => {
      const { resolvePaths } = await import('../core/config.js');
      const paths = resolvePaths(process.cwd(), process.env, { requireHome: false });
      if (!existsSync(paths.configFile)) {
        mkdirSync(path.dirname(paths.configFile), { recursive: true });
        writeFileSync(paths.configFile, DEFAULT_CONFIG);
        process.stdout.write(
          `created ${path.relative(process.cwd(), paths.configFile) || paths.configFile}\n`,
        );
      }
      mkdirSync(paths.projectsDir, { recursive: true });
      mkdirSync(path.join(paths.home, 'config', 'local'), { recursive: true });
      const { appliedMigrationIds, listMigrations } = await import('../audit/migrate.js');
      await withWarehouse(
        { command: 'init', ...(options.env ? { env: options.env } : {}) },
        async (warehouse, config) => {
          const applied = await appliedMigrationIds(warehouse);
          process.stdout.write(
            `audit schema dwh ready in ${warehouse.description} (env ${config.environment}): ` +
              `${applied.length}/${listMigrations().length} migrations applied\n`,
          );
        },
      );
    });
}
