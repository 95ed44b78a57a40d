import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { UsageError } from '../core/errors.js';
import { newProjectFiles } from './new-project-templates.js';

export function registerNew(program: Command): void {
  program
    .command('new')
    .description(
      'scaffold a working project in projects/<group>/<name> (parameters, factory, worker, SQL, launchers)',
    )
    .argument('<group/name>', 'e.g. sales/orders_daily (lower-case letters, digits, _)')
    .action(async (reference: string) => {
      const match = /^([a-z][a-z0-9_]*)\/([a-z][a-z0-9_]*)$/.exec(reference);
      if (!match) {
        throw new UsageError(
          `new: '${reference}' must be <group>/<name> in lower-case letters, digits and _ (e.g. sales/orders_daily)`,
        );
      }
      const [, group, name] = match as unknown as [string, string, string];
      const [{ resolvePaths }, { discoverProjects }] = await Promise.all([
        import('../core/config.js'),
        import('../core/project-loader.js'),
      ]);
      const paths = resolvePaths(process.cwd(), process.env, { requireHome: false });
      const clash = discoverProjects(paths.projectsDir).find((p) => p.name === name);
      if (clash)
        throw new UsageError(
          `new: a project named '${name}' already exists in ${clash.group}/${clash.name}; names must be unique`,
        );
      const dir = path.join(paths.projectsDir, group, name);
      if (existsSync(dir)) throw new UsageError(`new: ${path.relative(process.cwd(), dir)} already exists`);
      for (const [file, content] of Object.entries(newProjectFiles(group, name, new Date()))) {
        const target = path.join(dir, file);
        mkdirSync(path.dirname(target), { recursive: true });
        writeFileSync(target, content);
        if (file.endsWith('.sh')) chmodSync(target, 0o755);
      }
      process.stdout.write(
        `created ${path.relative(process.cwd(), dir) || dir}\nnext: npx dwh run ${group}/${name} --dry-run\n`,
      );
    });
}
