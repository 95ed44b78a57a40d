import type { Command } from 'commander';

const helpFlags = new Set(['-h', '--help']);

/**
 * `argv` without its help flags when it names a command that does not exist, so commander reports the unknown
 * command (exit 2, with the nearest known one) instead of printing the general help with exit 0: a script
 * calling `dwh <typo> --help` must be able to tell the command is missing. Nested groups (`dwh airflow …`) are
 * checked the same way.
 */
export function argvForUnknownCommand(program: Command, argv: string[]): string[] {
  let level = program;
  let rest = argv.slice(2);
  for (;;) {
    if (!level.commands.length) return argv;
    const at = rest.findIndex((arg) => !arg.startsWith('-'));
    if (at < 0) return argv;
    const word = rest[at]!;
    const known = level.commands.find((c) => c.name() === word || c.aliases().includes(word));
    if (!known) return word === 'help' ? argv : argv.filter((arg, i) => i < 2 || !helpFlags.has(arg));
    level = known;
    rest = rest.slice(at + 1);
  }
}
