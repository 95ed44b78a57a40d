import type { Command } from 'commander';
import { UsageError } from '../core/errors.js';
import { envOption } from './env-option.js';

export function registerUi(program: Command): void {
  program
    .command('ui')
    .description(
      'serve the read-only web dashboard: runs grid, run pages with task timeline, log and data quality, charts, warehouse health',
    )
    .option('-p, --port <port>', 'port to listen on (0 = any free port)', '8765')
    .option('--host <address>', 'address to bind; the default serves this machine only', '127.0.0.1')
    .option(
      '--allowed-host <names>',
      'comma-separated host names the dashboard answers besides localhost, 127.0.0.1 and --host',
    )
    .addOption(envOption())
    .addHelpText(
      'after',
      `
Pages: /  (grid of projects × recent runs), /runs/<id>, /projects/<name>, /health; the same data as JSON under
/api/grid, /api/runs/<id>, /api/projects/<name>, /api/health.
While runs are going the grid lists them live (Running now) and reloads every 5 s. On the opt-in PGlite
engine the dashboard opens the database only while it answers a request, so runs
are not blocked; while a run holds it, pages say so and reload.
Requests whose Host header is not localhost, 127.0.0.1, ::1, the --host address, an --allowed-host name or one
of dashboard.allowedHosts in config/dwh.yaml are refused (421), so other web sites cannot read it through DNS
rebinding; bound to 0.0.0.0, the machine's host name and addresses are accepted too.`,
    )
    .action(async (options: { port: string; host: string; allowedHost?: string; env?: string }) => {
      const port = Number(options.port);
      if (!/^\d+$/.test(options.port) || port > 65_535)
        throw new UsageError(`--port: '${options.port}' is not a port number (0-65535)`);
      const [{ loadConfig }, { startDashboard }] = await Promise.all([
        import('../core/config.js'),
        import('../monitor/dashboard-server.js'),
      ]);
      const config = loadConfig(options.env ? { environment: options.env } : {});
      let dashboard;
      try {
        const allowedHosts = (options.allowedHost ?? '')
          .split(',')
          .map((name) => name.trim())
          .filter(Boolean);
        dashboard = await startDashboard({ config, host: options.host, port, allowedHosts });
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'EADDRINUSE' || code === 'EADDRNOTAVAIL' || code === 'EACCES')
          throw new UsageError(`cannot listen on ${options.host}:${port}: ${code}`);
        throw error;
      }
      process.stdout.write(`dwh ui: serving ${dashboard.url} (read-only; Ctrl-C to stop)\n`);
      if (options.host !== '127.0.0.1' && options.host !== 'localhost' && options.host !== '::1')
        process.stderr.write(
          `dwh ui: warning: listening on ${options.host} makes run history and logs readable from other machines; the dashboard has no login\n`,
        );
      await new Promise<void>((resolve, reject) => {
        const stop = () => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          dashboard.close().then(resolve, reject);
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
    });
}
