import http from 'node:http';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../src/core/config.js';
import { startDashboard, type Dashboard } from '../../src/monitor/dashboard-server.js';
import { startCli } from '../helpers/cli.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-databases.js';
import { dashboardConfig } from './dashboard-fixture.js';

vi.setConfig({ testTimeout: 120_000 });

/** A GET with the given Host header (fetch sets Host itself), as a browser sends after DNS rebinding. */
function getWithHost(url: string, host: string | null, pathname = '/api/grid') {
  const target = new URL(url);
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const request = http.request(
      {
        host: target.hostname,
        port: target.port,
        path: pathname,
        method: 'GET',
        setHost: host !== null,
        headers: host === null ? {} : { host },
      },
      (response) => {
        let body = '';
        response.on('data', (chunk: Buffer) => (body += chunk.toString()));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
      },
    );
    request.on('error', reject);
    request.end();
  });
}

describe('monitor: the dashboard answers only the host names it was bound for', () => {
  let db: TestDatabase;
  let dashboard: Dashboard;
  beforeAll(async () => {
    db = await createTestDatabase('pglite', 'dashboard-hosts');
    dashboard = await startDashboard({
      config: dashboardConfig(db),
      port: 0,
      allowedHosts: ['dwh.example.com'],
    });
  });
  afterAll(async () => {
    await dashboard?.close();
    await db?.drop();
  });

  it.each(['127.0.0.1', 'localhost', 'LOCALHOST', '[::1]', 'dwh.example.com'])(
    'answers Host %s (with its port)',
    async (name) => {
      const port = new URL(dashboard.url).port;
      const { status, body } = await getWithHost(dashboard.url, `${name}:${port}`);
      expect(status).toBe(200);
      expect(JSON.parse(body)).toHaveProperty('projects');
    },
  );

  it('refuses another host name with 421 and no data, for pages and the API', async () => {
    const port = new URL(dashboard.url).port;
    const api = await getWithHost(dashboard.url, `attacker.example:${port}`);
    expect(api.status).toBe(421);
    expect(JSON.parse(api.body)).toMatchObject({ error: 'misdirected_request' });
    expect(api.body).not.toContain('projects');
    const page = await getWithHost(dashboard.url, 'attacker.example', '/');
    expect(page.status).toBe(421);
    expect(page.body).toContain('dashboard.allowedHosts');
    expect(page.body).not.toContain('data-project');
  });

  it('refuses a request without a Host header, or with a malformed one, with 400', async () => {
    expect((await getWithHost(dashboard.url, null)).status).toBe(400);
    expect((await getWithHost(dashboard.url, 'a b:80')).status).toBe(400);
  });
});

describe('monitor: allowed host names from config/dwh.yaml and dwh ui --allowed-host', () => {
  let db: TestDatabase;
  let home: string;
  beforeAll(async () => {
    db = await createTestDatabase('pglite', 'dashboard-hosts-config');
    home = mkdtempSync(path.join(os.tmpdir(), 'dwh-ui-hosts-'));
    mkdirSync(path.join(home, 'config'));
    mkdirSync(path.join(home, 'projects'));
    writeFileSync(
      path.join(home, 'config', 'dwh.yaml'),
      'environments:\n  local:\n    dashboard:\n      allowedHosts: [warehouse.internal]\n',
    );
  });
  afterAll(async () => {
    rmSync(home, { recursive: true, force: true });
    await db?.drop();
  });

  it('answers the names of dashboard.allowedHosts', async () => {
    const config = loadConfig({ env: { DWH_HOME: home, ...db.env } });
    const dashboard = await startDashboard({ config, port: 0 });
    try {
      expect((await getWithHost(dashboard.url, 'warehouse.internal')).status).toBe(200);
      expect((await getWithHost(dashboard.url, 'other.internal')).status).toBe(421);
    } finally {
      await dashboard.close();
    }
  });

  it('dwh ui answers the --allowed-host names and refuses others', async () => {
    const child = startCli(['ui', '--port', '0', '--allowed-host', 'ops.example.com, bi.example.com'], {
      env: { DWH_HOME: home, ...db.env },
    });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout?.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          const match = /serving (http:\S+)/.exec(out);
          if (match) resolve(match[1]!);
        });
        child.on('exit', (code) => reject(new Error(`dwh ui exited with ${code}`)));
      });
      expect((await getWithHost(url, 'bi.example.com')).status).toBe(200);
      expect((await getWithHost(url, 'warehouse.internal')).status).toBe(200);
      expect((await getWithHost(url, 'evil.example.com')).status).toBe(421);
    } finally {
      child.kill('SIGTERM');
    }
  });
});
