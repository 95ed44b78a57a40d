import { Option } from 'commander';

/**
 * `--env <name>`: the environment of config/dwh.yaml a command works on (else DWH_ENV, else
 * `defaultEnvironment`). Declared here once so every command spells and explains it the same way; `use` says
 * what the command takes from the environment when that is not obvious.
 */
export function envOption(use?: string): Option {
  return new Option('--env <name>', `environment of config/dwh.yaml${use ? ` ${use}` : ''}`);
}
