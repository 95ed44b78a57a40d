import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { listRunningRuns } from '../audit/active-runs.js';
import type { ResolvedConfig } from '../core/config.js';
import { errorMessage } from '../core/errors.js';
import type { Warehouse } from '../db/connection.js';
import { maskUrl, redactText } from '../logging/redact.js';
import { allowedHostNames, configuredAllowedHosts, hostOfHeader } from './allowed-hosts.js';
import { runDqResults } from './dq-results.js';
import { buildMonitorReport } from './monitor-report.js';
import { renderGrid } from './pages/grid-page.js';
import { renderHealth } from './pages/health-page.js';
import { renderMessage } from './pages/message-page.js';
import { renderProject } from './pages/project-page.js';
import { renderRun } from './pages/run-page.js';
import { cachedCatalog, type CatalogEntry } from './project-catalog.js';
import { projectHealth, RECENT_RUNS } from './project-health.js';
import { auditExists, findRun, runAttempts } from './run-history.js';
import { databaseIdentity } from '../db/database-identity.js';
import { runLogTail } from './run-log-finder.js';
import { createWarehouseGate, WarehouseBusyError } from './warehouse-gate.js';

/**
 * The read-only web dashboard: server-rendered pages and the same data as JSON under /api. Only GET and HEAD
 * are served; pages carry no script and a Content-Security-Policy that forbids any.
 */

export interface DashboardOptions {
  config: ResolvedConfig;
  /** (Default: 127.0.0.1 — reachable from this machine only) */
  host?: string;
  /** (Default: 8765; 0 picks a free port) */
  port?: number;
  /**
   * Host names answered besides localhost, 127.0.0.1, ::1, `host` and the environment's
   * `dashboard.allowedHosts`; requests naming any other `Host` get 421. (Default: none)
   */
  allowedHosts?: string[];
  /** Project list; (Default: projects/ of the home, reloaded at most every minute) */
  catalog?: () => Promise<CatalogEntry[]>;
}

export interface Dashboard {
  url: string;
  server: http.Server;
  close(): Promise<void>;
}

const DEFAULT_HOST = '127.0.0.1';
const DEFAULT_PORT = 8765;

type Reply = { status: number; type: 'html' | 'json'; body: string };
type Route = (match: RegExpMatchArray, context: RequestContext) => Promise<Reply>;

interface RequestContext {
  use<T>(work: (warehouse: Warehouse) => Promise<T>): Promise<T>;
  catalog(): Promise<CatalogEntry[]>;
  metadataDir: string;
  warehouse: string;
  now: Date;
}

const ok = (type: Reply['type'], body: string): Reply => ({ status: 200, type, body });
const json = (value: unknown, status = 200): Reply => ({
  status,
  type: 'json',
  body: `${JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? Number(v) : v), 2)}\n`,
});
const notFound = (what: string, api: boolean): Reply =>
  api
    ? json({ error: 'not_found', message: what }, 404)
    : { status: 404, type: 'html', body: renderMessage('Not found', what) };

async function gridData(context: RequestContext) {
  const catalog = await context.catalog();
  return context.use((w) => projectHealth(w, catalog, context.now, RECENT_RUNS));
}

async function runData(context: RequestContext, runId: number) {
  return context.use(async (w) => {
    if (!(await auditExists(w))) return null;
    const run = await findRun(w, runId);
    if (!run) return null;
    return {
      run,
      attempts: await runAttempts(w, runId),
      dq: await runDqResults(w, runId),
      log: runLogTail(context.metadataDir, run.project, runId, await databaseIdentity(w)),
    };
  });
}

async function projectData(context: RequestContext, name: string) {
  const all = await gridData(context);
  return all.find((p) => p.project === name) ?? null;
}

async function healthData(context: RequestContext) {
  const catalog = await context.catalog();
  return context.use((w) =>
    buildMonitorReport(w, catalog, context.now, { metadataDir: context.metadataDir }),
  );
}

const runId = (text: string) => Number(text);

/** A path segment as text; a malformed escape (`%zz`) simply names no project. */
function decodePath(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** Paths → handlers. The run id pattern only admits digits, so no other text reaches a query. */
const ROUTES: [RegExp, Route][] = [
  [
    /^\/$/,
    async (_m, c) =>
      ok('html', renderGrid(await gridData(c), c.now, c.warehouse, await c.use(listRunningRuns))),
  ],
  [
    /^\/api\/grid$/,
    async (_m, c) =>
      json({ generatedAt: c.now, projects: await gridData(c), running: await c.use(listRunningRuns) }),
  ],
  [
    /^\/runs\/(\d{1,18})$/,
    async (m, c) => {
      const data = await runData(c, runId(m[1]!));
      return data
        ? ok('html', renderRun(data, c.now, c.warehouse))
        : notFound(`run ${m[1]} does not exist`, false);
    },
  ],
  [
    /^\/api\/runs\/(\d{1,18})$/,
    async (m, c) => {
      const data = await runData(c, runId(m[1]!));
      return data ? json(data) : notFound(`run ${m[1]} does not exist`, true);
    },
  ],
  [
    /^\/projects\/([^/]+)$/,
    async (m, c) => {
      const name = decodePath(m[1]!);
      const data = await projectData(c, name);
      return data
        ? ok('html', renderProject(data, c.warehouse))
        : notFound(`project '${name}' has no folder and no runs`, false);
    },
  ],
  [
    /^\/api\/projects\/([^/]+)$/,
    async (m, c) => {
      const name = decodePath(m[1]!);
      const data = await projectData(c, name);
      return data ? json(data) : notFound(`project '${name}' has no folder and no runs`, true);
    },
  ],
  [/^\/health$/, async (_m, c) => ok('html', renderHealth(await healthData(c)))],
  [/^\/api\/health$/, async (_m, c) => json(await healthData(c))],
];

const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cache-control': 'no-store',
};

/** Why a request's `Host` header is refused (400 missing or malformed, 421 not a name of this dashboard). */
function refusedHost(
  header: string | undefined,
  allowed: Set<string>,
): { status: number; message: string } | null {
  if (header === undefined) return { status: 400, message: 'the request has no Host header' };
  const name = hostOfHeader(header);
  if (name === null) return { status: 400, message: 'the Host header is malformed' };
  if (allowed.has(name)) return null;
  return {
    status: 421,
    message:
      'this dashboard does not answer for that host name; add it to dashboard.allowedHosts in config/dwh.yaml or pass --allowed-host',
  };
}

export async function startDashboard(options: DashboardOptions): Promise<Dashboard> {
  const { config } = options;
  const host = options.host ?? DEFAULT_HOST;
  const allowedHosts = allowedHostNames(host, [
    ...configuredAllowedHosts(config),
    ...(options.allowedHosts ?? []),
  ]);
  const gate = createWarehouseGate(config, 'ui');
  const catalog = options.catalog ?? cachedCatalog(config);
  // start compiling the projects' parameters now, so the first page view does not wait for it
  catalog().catch(() => undefined);
  const warehouse = config.databaseUrl
    ? maskUrl(config.databaseUrl)
    : config.engine === 'pglite'
      ? `embedded PGlite (${config.pgliteDir})`
      : `embedded PostgreSQL server (${config.embeddedDir})`;

  const handle = async (request: http.IncomingMessage): Promise<Reply> => {
    const url = new URL(request.url ?? '/', 'http://dashboard.invalid');
    const api = url.pathname.startsWith('/api/');
    const hostProblem = refusedHost(request.headers.host, allowedHosts);
    if (hostProblem)
      return api
        ? json({ error: 'misdirected_request', message: hostProblem.message }, hostProblem.status)
        : {
            status: hostProblem.status,
            type: 'html',
            body: renderMessage('Unknown host name', hostProblem.message),
          };
    if (request.method !== 'GET' && request.method !== 'HEAD')
      return api
        ? json({ error: 'method_not_allowed', message: 'the dashboard is read-only' }, 405)
        : {
            status: 405,
            type: 'html',
            body: renderMessage('Read-only', 'The dashboard only reads; it accepts GET requests.'),
          };
    const context: RequestContext = {
      use: (work) => gate.use(work),
      catalog,
      metadataDir: config.paths.metadataDir,
      warehouse,
      now: new Date(),
    };
    for (const [pattern, route] of ROUTES) {
      const match = url.pathname.match(pattern);
      if (!match) continue;
      try {
        return await route(match, context);
      } catch (error) {
        if (error instanceof WarehouseBusyError) {
          const message = redactText(error.detail);
          return api
            ? json({ error: 'busy', message }, 503)
            : {
                status: 503,
                type: 'html',
                body: renderMessage('The embedded database is busy', message, {
                  warehouse,
                  refreshSeconds: 5,
                  hint: 'PGlite can be open in one process at a time. This page reloads every 5 seconds and shows the data as soon as the run finishes.',
                }),
              };
        }
        const message = redactText(errorMessage(error));
        return api
          ? json({ error: 'internal', message }, 500)
          : { status: 500, type: 'html', body: renderMessage('Error', message, { warehouse }) };
      }
    }
    return notFound(`no page at ${url.pathname}`, api);
  };

  const server = http.createServer((request, response) => {
    handle(request)
      .then((reply) => {
        // the last net: no page or API answer carries a registered secret
        const body = redactText(reply.body);
        response.writeHead(reply.status, {
          ...SECURITY_HEADERS,
          'content-type':
            reply.type === 'html' ? 'text/html; charset=utf-8' : 'application/json; charset=utf-8',
          'content-length': Buffer.byteLength(body),
        });
        response.end(request.method === 'HEAD' ? undefined : body);
      })
      .catch((error: unknown) => {
        response.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
        response.end(redactText(errorMessage(error)));
      });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? DEFAULT_PORT, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${shownHost}:${address.port}/`,
    server,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await gate.close();
    },
  };
}
