import pino from 'pino';
import type { Warehouse } from '../../src/db/connection.js';
import type { LoadContext } from '../../src/db/load-table.js';

/** The parts of a task context loadTable needs, on a test warehouse, with a window and a silent log. */
export function loadContext(
  warehouse: Warehouse,
  window = { start: new Date('2026-01-01T00:00:00Z'), end: new Date('2026-01-02T00:00:00Z') },
): LoadContext {
  return {
    db: warehouse.knex,
    log: pino({ level: 'silent' }),
    window: { loadType: 'I', previousMaxDate: null, ...window },
    signal: new AbortController().signal,
  };
}
