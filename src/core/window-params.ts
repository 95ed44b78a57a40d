import type { LoadWindow } from './types.js';

/** The window as named parameters (`:start_load_date`, `:end_load_date`, `:previous_max_date`, `:run_id`). */
export function windowParams(window: LoadWindow): Record<string, unknown> {
  return {
    start_load_date: window.start,
    end_load_date: window.end,
    previous_max_date: window.previousMaxDate,
  };
}
