import type { ResolvedConfig } from '../core/config.js';
import type { Warehouse } from '../db/connection.js';

/** Opens the configured warehouse with the audit schema in place, runs `work`, and always closes it. */
export async function withWarehouse<T>(
  options: { env?: string; command: string },
  work: (warehouse: Warehouse, config: ResolvedConfig) => Promise<T>,
): Promise<T> {
  const [{ loadConfig }, { openWarehouse, warehouseTarget }, { migrate }] = await Promise.all([
    import('../core/config.js'),
    import('../db/connection.js'),
    import('../audit/migrate.js'),
  ]);
  const config = loadConfig(options.env ? { environment: options.env } : {});
  const warehouse = await openWarehouse({
    ...warehouseTarget(config),
    command: options.command,
  });
  try {
    await migrate(warehouse);
    return await work(warehouse, config);
  } finally {
    await warehouse.close();
  }
}
