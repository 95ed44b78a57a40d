import type { Logger } from 'pino';
import type { LoadWindow } from '../core/types.js';
import type { LoadSource } from '../db/load-source.js';

/**
 * A connector is a named source from `config/dwh.yaml` (`connectors:` of the environment). It is opened once
 * per run on first use and closed when the run ends.
 */
export type ConnectorKind = 'postgres' | 'mysql' | 'file' | 'http';

/** What an extract may use of the run. */
export interface ExtractContext {
  window: LoadWindow;
  /** Relative file paths of a `file` connector without `dir` resolve here. */
  projectDir: string;
  signal: AbortSignal;
  log: Logger;
}

/**
 * What to read. A string is the query (postgres, mysql) or the path/glob (file, http); objects carry the
 * kind's options (see each connector).
 */
export type ExtractRequest = string | Record<string, unknown>;

export interface ExtractOptions {
  /**
   * `bytes` asks for the pass-through form (CSV files as they are, COPY output of a PostgreSQL source) when the
   * connector has one; `rows` always gets row batches. (Default: rows)
   */
  prefer?: 'rows' | 'bytes';
  /**
   * How a CSV field that is empty and unquoted is read as rows: `null` (COPY's rule, which the pass-through
   * path follows) or `empty` (an empty string). A quoted `""` is an empty string either way. (Default: null)
   */
  emptyField?: 'null' | 'empty';
}

export interface Connector {
  readonly name: string;
  readonly kind: ConnectorKind;
  open(): Promise<void>;
  /** Streams the data: row batches, or bytes for the pass-through path. Window dates are parameters. */
  extract(request: ExtractRequest, ctx: ExtractContext, options?: ExtractOptions): Promise<LoadSource>;
  close(): Promise<void>;
}

/** The window as named parameters (`:start_load_date`, `:end_load_date`, `:previous_max_date`, `:run_id`). */
export function windowParams(window: LoadWindow): Record<string, unknown> {
  return {
    start_load_date: window.start,
    end_load_date: window.end,
    previous_max_date: window.previousMaxDate,
  };
}
