import { Option } from 'commander';

/**
 * `--param name=value`, repeatable (`dwh run`, `dwh backfill`, `dwh dq`): run parameters, parsed by the project's
 * `params` schema (values arrive as strings; see core/run-params.ts).
 */
export function paramOption(): Option {
  return new Option(
    '--param <name=value>',
    "a run parameter declared in the project's params (repeatable); numbers and booleans need a coercing schema",
  )
    .argParser((value: string, previous: string[] | undefined) => [...(previous ?? []), value])
    .default(undefined);
}
