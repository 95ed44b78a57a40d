import { ConfigError, errorMessage } from '../core/errors.js';
import { parseConnectorsConfig, type ConnectorConfig } from './config.js';
import { FileConnector } from './file/file-connector.js';
import { HttpConnector } from './http/http-connector.js';
import { MysqlConnector } from './mysql/mysql-connector.js';
import { PostgresConnector } from './postgres/postgres-connector.js';
import type { Connector, ConnectorKind } from '../core/types.js';

type Factory<K extends ConnectorKind> = (
  name: string,
  config: Extract<ConnectorConfig, { kind: K }>,
  home: string,
) => Connector;

const factories: { [K in ConnectorKind]: Factory<K> } = {
  postgres: (name, config) => new PostgresConnector(name, config),
  mysql: (name, config) => new MysqlConnector(name, config),
  file: (name, config, home) => new FileConnector(name, config, home),
  http: (name, config) => new HttpConnector(name, config),
};

export interface ConnectorRegistry {
  /** The named connector, opened on first use and shared by the run's tasks. */
  get(name: string): Promise<Connector>;
  /** Closes every connector opened; errors are returned, not thrown, so one bad close does not hide others. */
  closeAll(): Promise<string[]>;
}

export interface RegistryInput {
  /** The raw `connectors:` section of the selected environment. */
  section: unknown;
  /** config/dwh.yaml as shown in messages. */
  file: string;
  environment: string;
  home: string;
}

/** Connectors of the selected environment. The section is validated on first use. */
export function createConnectorRegistry(input: RegistryInput): ConnectorRegistry {
  let configs: Record<string, ConnectorConfig> | null = null;
  const open = new Map<string, Promise<Connector>>();
  return {
    get(name) {
      try {
        configs ??= parseConnectorsConfig(input.section, input.file, input.environment);
      } catch (error) {
        return Promise.reject(error instanceof Error ? error : new Error(String(error)));
      }
      const existing = open.get(name);
      if (existing) return existing;
      const config = configs[name];
      if (!config) {
        const known = Object.keys(configs).join(', ') || '(none)';
        return Promise.reject(
          new ConfigError(
            input.file,
            `environments.${input.environment}.connectors`,
            name,
            `unknown connector; known: ${known}`,
          ),
        );
      }
      const connector = (factories[config.kind] as Factory<typeof config.kind>)(name, config, input.home);
      const opened = connector.open().then(() => connector);
      // a failed open is not cached: a retry of the task tries again
      opened.catch(() => open.delete(name));
      open.set(name, opened);
      return opened;
    },
    async closeAll() {
      const problems: string[] = [];
      for (const [name, pending] of open) {
        // a connector that failed to open has nothing to close
        const connector = await pending.catch(() => null);
        if (!connector) continue;
        try {
          await connector.close();
        } catch (error) {
          problems.push(`connector '${name}': close failed: ${errorMessage(error)}`);
        }
      }
      open.clear();
      return problems;
    },
  };
}
