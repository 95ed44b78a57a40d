import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cliPath, fixtureHome, repoRoot } from '../helpers/cli.js';

/**
 * A throw-away dwh home laid out as a user's: config/dwh.yaml, projects/deploy/<name>/ with the files of the
 * deploy fixture projects, and node_modules/ resolving `dwh` (imports and `npx --no-install dwh`) to this
 * repository's build. Projects are real folders so launchers can be written next to their files.
 */
export interface DeployHome {
  dir: string;
  projectDir(name: string): string;
  remove(): void;
}

export function createDeployHome(projects: string[] = ['backfill_days', 'docker_demo']): DeployHome {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'dwh-deploy-home-'));
  mkdirSync(path.join(dir, 'config'));
  cpSync(path.join(fixtureHome, 'config', 'dwh.yaml'), path.join(dir, 'config', 'dwh.yaml'));
  mkdirSync(path.join(dir, 'node_modules', '.bin'), { recursive: true });
  symlinkSync(repoRoot, path.join(dir, 'node_modules', 'dwh'));
  symlinkSync(cliPath, path.join(dir, 'node_modules', '.bin', 'dwh'));
  for (const name of projects) {
    const source = path.join(fixtureHome, 'projects', 'deploy', name);
    const target = path.join(dir, 'projects', 'deploy', name);
    mkdirSync(target, { recursive: true });
    for (const file of ['parameters.ts', 'factory.ts', 'alter_tables.sql'])
      symlinkSync(path.join(source, file), path.join(target, file));
  }
  return {
    dir,
    projectDir: (name) => path.join(dir, 'projects', 'deploy', name),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** A project folder that does not import 'dwh', so it loads from any temporary home. */
export function writePlainProject(
  home: string,
  group: string,
  name: string,
  parameters: Record<string, unknown>,
): void {
  const dir = path.join(home, 'projects', group, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    path.join(dir, 'parameters.ts'),
    `export default ${JSON.stringify({ name, version: '1.0.0', target: { database: 'test', table: name }, fullLoadStartDate: '2026-01-01', ...parameters }, null, 2)};\n`,
  );
  writeFileSync(path.join(dir, 'factory.ts'), `export default { kind: 'factory', tasks: [] };\n`);
}
