import type { Command } from 'commander';
import { EXIT } from '../core/errors.js';
import { envOption } from './env-option.js';

export function registerValidate(program: Command): void {
  program
    .command('validate')
    .description(
      'check projects without running them: options, mappings, validation.yaml, SQL files and (with typescript installed) types',
    )
    .argument('[project]', 'project <name> or <group>/<name> (default: every project)')
    .addOption(envOption('(connectors, parameter overrides)'))
    .addHelpText(
      'after',
      `
Exit codes: 0 no problems, 2 problems found (each printed with its file, task, key and value).

Examples:
  dwh validate                 every project of the home
  dwh validate demo_sales`,
    )
    .action(async (reference: string | undefined, options: { env?: string }) => {
      const [{ loadConfig }, { discoverProjects, findProject }, { validateProject }, { typecheckProjects }] =
        await Promise.all([
          import('../core/config.js'),
          import('../core/project-loader.js'),
          import('./validate-project.js'),
          import('./typecheck-projects.js'),
        ]);
      const config = loadConfig(options.env ? { environment: options.env } : {});
      const refs = reference
        ? [findProject(config.paths.projectsDir, reference)]
        : discoverProjects(config.paths.projectsDir);
      const out = (line: string) => process.stdout.write(`${line}\n`);
      let failed = 0;
      for (const ref of refs) {
        const problems = await validateProject(ref, config);
        if (problems.length) failed++;
        out(`${problems.length ? 'FAIL' : 'ok  '}  ${ref.group}/${ref.name}`);
        for (const problem of problems) out(`      ${problem.replace(/\n/g, '\n      ')}`);
      }
      const typecheck = await typecheckProjects(
        refs.map((r) => r.dir),
        config.paths.home,
      );
      if (!typecheck.available) {
        out('typecheck skipped: the typescript package is not installed (npm install --save-dev typescript)');
      } else if (typecheck.problems.length) {
        out(`typecheck: ${typecheck.problems.length} error(s)`);
        for (const problem of typecheck.problems) out(`      ${problem}`);
      } else {
        out('typecheck: ok');
      }
      const typeErrors = typecheck.problems.length > 0;
      out(
        failed || typeErrors
          ? `${failed} of ${refs.length} project(s) with problems${typeErrors ? ', type errors' : ''}`
          : `${refs.length} project(s) ok`,
      );
      process.exitCode = failed || typeErrors ? EXIT.usage : EXIT.success;
    });
}
