import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { registerSecret, registerSecretsOf, urlPassword } from '../logging/redact.js';
import { ConfigError, DwhError } from './errors.js';
import { checkRuntimeVariables } from './runtime-env.js';
import { zodToConfigError } from './zod-error.js';

/** Where a dwh home keeps its parts. `DWH_HOME` overrides the upward search from the working directory. */
export interface DwhPaths {
  home: string;
  projectsDir: string;
  configFile: string;
  /** `DWH_METADATA_DIR` overrides `<home>/metadata`. */
  metadataDir: string;
}

const databaseSchema = z
  .object({
    /** postgres://… of a PostgreSQL server. (Default: none → the embedded server in metadata/postgres) */
    url: z.string().optional(),
    /** Without a url: `embedded` (a PostgreSQL server in metadata/postgres) or `pglite` (in-process, one
     * process at a time). `DWH_DATABASE_ENGINE` overrides it. (Default: embedded) */
    engine: z.enum(['embedded', 'pglite']).optional(),
    /** Data directory of the PGlite engine, relative to the home. (Default: metadata/pglite) */
    pglitePath: z.string().optional(),
  })
  .strict();

const environmentSchema = z
  .object({
    database: databaseSchema.default({}),
    /** Parameter overrides per project name, merged over parameters.ts. */
    projects: z.record(z.string(), z.record(z.string(), z.unknown())).default({}),
    // Each section below belongs to the capability that reads it, which validates it with its own schema and
    // names the file and key: connectors (src/connectors/config.ts), smtp/recipients/email
    // (src/notify/email-settings.ts), dashboard (src/monitor/allowed-hosts.ts). Listed here so that a
    // misspelt section (`conectors:`) is an error instead of a silently ignored key.
    connectors: z.unknown().optional(),
    smtp: z.unknown().optional(),
    recipients: z.unknown().optional(),
    email: z.unknown().optional(),
    dashboard: z.unknown().optional(),
  })
  .strict();

/** The sections an environment of config/dwh.yaml may hold. */
const ENVIRONMENT_SECTIONS = Object.keys(environmentSchema.shape);

const configSchema = z
  .object({
    /** Environment used when neither --env nor DWH_ENV is given. (Default: local) */
    defaultEnvironment: z.string().default('local'),
    environments: z.record(z.string(), environmentSchema).default({ local: { database: {}, projects: {} } }),
  })
  .strict();

type EnvironmentConfig = z.output<typeof environmentSchema>;
export type DatabaseEngine = 'embedded' | 'pglite';

export interface ResolvedConfig {
  paths: DwhPaths;
  environment: string;
  /** Server URL (DWH_DATABASE_URL wins over the config file), or null for the embedded engines. */
  databaseUrl: string | null;
  /** Which embedded engine serves when there is no URL. */
  engine: DatabaseEngine;
  /** Folder of the embedded PostgreSQL server. (Default: <metadata>/postgres) */
  embeddedDir: string;
  pgliteDir: string;
  settings: EnvironmentConfig;
}

/** No folder from the working directory upward holds `config/dwh.yaml` or `projects/`, and DWH_HOME is unset. */
class HomeNotFoundError extends DwhError {
  constructor(readonly cwd: string) {
    super(
      'CONFIG',
      `no dwh home found in ${cwd} or any folder above it (a home holds config/dwh.yaml or projects/); ` +
        `run 'dwh init' to create one here, or set DWH_HOME`,
    );
  }
}

/**
 * The home's paths. Outside any home this throws `HomeNotFoundError`, so a command never creates `metadata/`
 * in a random folder; `dwh init` and `dwh new` pass `requireHome: false` to make the working directory one.
 */
export function resolvePaths(
  cwd = process.cwd(),
  env = process.env,
  options: { requireHome?: boolean } = {},
): DwhPaths {
  const found = env.DWH_HOME ? path.resolve(cwd, env.DWH_HOME) : findHome(cwd);
  if (found === null && options.requireHome !== false) throw new HomeNotFoundError(path.resolve(cwd));
  const home = found ?? path.resolve(cwd);
  return {
    home,
    projectsDir: path.join(home, 'projects'),
    configFile: path.join(home, 'config', 'dwh.yaml'),
    metadataDir: env.DWH_METADATA_DIR ? path.resolve(cwd, env.DWH_METADATA_DIR) : path.join(home, 'metadata'),
  };
}

function findHome(start: string): string | null {
  let dir = path.resolve(start);
  for (;;) {
    if (existsSync(path.join(dir, 'config', 'dwh.yaml')) || existsSync(path.join(dir, 'projects')))
      return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

/** Reads config/dwh.yaml (optional), selects the environment and resolves `${env:…}` / `${file:…}`. */
export function loadConfig(
  options: { environment?: string; cwd?: string; env?: NodeJS.ProcessEnv } = {},
): ResolvedConfig {
  const env = options.env ?? process.env;
  // the tuning variables are read from this process's environment where they are used: a bad one stops every
  // command here, before it does anything, rather than a run halfway
  checkRuntimeVariables(process.env);
  const paths = resolvePaths(options.cwd, env);
  const file = path.relative(paths.home, paths.configFile) || paths.configFile;
  let raw: unknown = {};
  if (existsSync(paths.configFile)) {
    const doc = parseDocument(readFileSync(paths.configFile, 'utf8'));
    const first = doc.errors[0];
    if (first) {
      const line = first.linePos?.[0].line;
      throw new ConfigError(file, line ? `line ${line}` : '', undefined, `invalid YAML: ${first.message}`);
    }
    raw = doc.toJS() ?? {};
  }
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success)
    throw zodToConfigError(file, parsed.error, raw, (keyPath) =>
      keyPath.length === 2 && keyPath[0] === 'environments'
        ? ENVIRONMENT_SECTIONS
        : keyPath.length === 3 && keyPath[2] === 'database'
          ? Object.keys(databaseSchema.shape)
          : keyPath.length === 0
            ? Object.keys(configSchema.shape)
            : undefined,
    );
  const config = parsed.data;

  const environment = options.environment ?? env.DWH_ENV ?? config.defaultEnvironment;
  const selected = config.environments[environment];
  if (!selected) {
    const known = Object.keys(config.environments).join(', ') || '(none)';
    throw new ConfigError(file, 'environments', environment, `unknown environment; known: ${known}`);
  }
  const settings = resolveReferences(selected, `environments.${environment}`, {
    file,
    configDir: path.dirname(paths.configFile),
    env,
  }) as EnvironmentConfig;

  const databaseUrl = env.DWH_DATABASE_URL || settings.database.url || null;
  // every credential is a secret from the moment the configuration is known, whatever runs next
  registerSecretsOf(settings);
  if (databaseUrl) registerSecret(urlPassword(databaseUrl));
  const pgliteDir = env.DWH_PGLITE_DIR
    ? path.resolve(env.DWH_PGLITE_DIR)
    : settings.database.pglitePath
      ? path.resolve(paths.home, settings.database.pglitePath)
      : path.join(paths.metadataDir, 'pglite');
  const engineValue = env.DWH_DATABASE_ENGINE || settings.database.engine || 'embedded';
  if (engineValue !== 'embedded' && engineValue !== 'pglite')
    throw new ConfigError(
      env.DWH_DATABASE_ENGINE ? 'environment' : file,
      env.DWH_DATABASE_ENGINE ? 'DWH_DATABASE_ENGINE' : `environments.${environment}.database.engine`,
      engineValue,
      'unknown database engine; known: embedded, pglite',
    );
  const embeddedDir = path.join(paths.metadataDir, 'postgres');
  return { paths, environment, databaseUrl, engine: engineValue, embeddedDir, pgliteDir, settings };
}

interface ReferenceContext {
  file: string;
  configDir: string;
  env: NodeJS.ProcessEnv;
}

const reference = /\$\{(env|file):([^}]+)\}/g;

function registerResolved(value: string): void {
  if (!/^\d+$/.test(value)) registerSecret(value);
}

/**
 * Replaces `${env:NAME}` with the variable and `${file:local/x}` with the file's trimmed content; every value
 * resolved this way is registered as a secret, whatever its key — except a plain number (a port, a timeout):
 * masking digits would garble every count and time in every output. A number under a secret-looking key
 * (`password: ${env:PIN}`) is still a secret: registerSecretsOf registers values by their key.
 */
function resolveReferences(value: unknown, key: string, context: ReferenceContext): unknown {
  if (typeof value === 'string') {
    return value.replace(reference, (_match, kind: string, name: string) => {
      if (kind === 'env') {
        const found = context.env[name];
        if (found === undefined) {
          throw new ConfigError(context.file, key, value, `environment variable ${name} is not set`);
        }
        registerResolved(found);
        return found;
      }
      const target = path.resolve(context.configDir, name);
      if (!existsSync(target)) {
        throw new ConfigError(
          context.file,
          key,
          value,
          `file ${path.relative(context.configDir, target)} does not exist`,
        );
      }
      const content = readFileSync(target, 'utf8').trim();
      registerResolved(content);
      return content;
    });
  }
  if (Array.isArray(value)) return value.map((item, i) => resolveReferences(item, `${key}[${i}]`, context));
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, resolveReferences(v, `${key}.${k}`, context)]),
    );
  }
  return value;
}
