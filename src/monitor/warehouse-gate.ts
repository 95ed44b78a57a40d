import type { ResolvedConfig } from '../core/config.js';
import { DwhError, EXIT } from '../core/errors.js';
import { openWarehouse, warehouseTarget, type Warehouse, type WarehouseTarget } from '../db/connection.js';
import { DirLockedError } from '../db/pglite-dir-lock.js';

/**
 * How the dashboard reaches the warehouse. A server (by URL or the embedded one) is shared: one small pool
 * stays open. The opt-in PGlite
 * database can be open in one process only, so the dashboard opens it for a burst of requests and closes it as
 * soon as none is waiting — otherwise every `dwh run` would be refused while the dashboard is up. When a run
 * holds it, `use` throws `WarehouseBusyError` and the page says so.
 */
export interface WarehouseGate {
  use<T>(work: (warehouse: Warehouse) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** A run holds the PGlite warehouse: the page says so (HTTP 503) instead of failing. */
export class WarehouseBusyError extends DwhError {
  constructor(readonly detail: string) {
    super('LOCKED', detail, { exitCode: EXIT.runFailed, retryable: undefined });
  }
}

export function createWarehouseGate(config: ResolvedConfig, command = 'ui'): WarehouseGate {
  const target = warehouseTarget(config);
  return target.url || target.engine === 'embedded'
    ? serverGate(target, command)
    : pgliteGate(target, command);
}

function serverGate(target: WarehouseTarget, command: string): WarehouseGate {
  let opening: Promise<Warehouse> | null = null;
  return {
    async use(work) {
      opening ??= openWarehouse({ ...target, command });
      // a failed connection is not kept: the next request tries again
      opening.catch(() => (opening = null));
      return work(await opening);
    },
    async close() {
      const current = opening;
      opening = null;
      if (current) await (await current).close();
    },
  };
}

function pgliteGate(target: WarehouseTarget, command: string): WarehouseGate {
  let open: Promise<Warehouse> | null = null;
  let users = 0;
  // Requests run one after another on the single embedded connection.
  let queue: Promise<unknown> = Promise.resolve();
  const release = async () => {
    users -= 1;
    if (users === 0 && open) {
      const current = open;
      open = null;
      await (await current).close();
    }
  };
  return {
    use<T>(work: (warehouse: Warehouse) => Promise<T>): Promise<T> {
      users += 1;
      const result = queue.then(async () => {
        try {
          open ??= openWarehouse({ ...target, command });
          let warehouse: Warehouse;
          try {
            warehouse = await open;
          } catch (error) {
            open = null;
            if (error instanceof DirLockedError) throw new WarehouseBusyError(error.message);
            throw error;
          }
          return await work(warehouse);
        } finally {
          await release();
        }
      });
      queue = result.catch(() => undefined);
      return result;
    },
    async close() {
      await queue;
      if (open) {
        const current = open;
        open = null;
        await (await current).close();
      }
    },
  };
}
