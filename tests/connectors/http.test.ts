import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConnectorRegistry } from '../../src/connectors/registry.js';
import type { Connector } from '../../src/core/types.js';
import { collectRows, extractContext } from '../helpers/connector-context.js';
import { failure } from '../helpers/failure.js';

const TOKEN = 'tok-4c7f1e9a-very-secret';
const items = Array.from({ length: 23 }, (_, i) => ({
  id: i + 1,
  name: `item ${i + 1}`,
  nested: { even: i % 2 === 1 },
}));

/** A small REST API with every pagination style, plus endpoints that fail in the ways real APIs do. */
type Route = (url: URL, req: IncomingMessage, res: ServerResponse) => void;
const hits = new Map<string, number>();
const requests: { path: string; auth: string | undefined; at: number }[] = [];
const json = (res: ServerResponse, body: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(200, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
};
const routes: Record<string, Route> = {
  '/page': (url, _req, res) => {
    const page = Number(url.searchParams.get('page'));
    const size = Number(url.searchParams.get('per_page'));
    json(res, { data: items.slice((page - 1) * size, page * size) });
  },
  '/offset': (url, _req, res) => {
    const offset = Number(url.searchParams.get('offset'));
    const limit = Number(url.searchParams.get('limit'));
    json(res, items.slice(offset, offset + limit));
  },
  '/cursor': (url, _req, res) => {
    const start = Number(url.searchParams.get('after') ?? 0);
    const slice = items.slice(start, start + 10);
    json(res, { results: slice, meta: { next: start + 10 < items.length ? String(start + 10) : null } });
  },
  '/link': (url, _req, res) => {
    const page = Number(url.searchParams.get('p') ?? 1);
    const next =
      page * 8 < items.length
        ? `<${url.pathname}?p=${page + 1}>; rel="next", </link?p=3>; rel="last"`
        : '</link?p=3>; rel="last"';
    json(res, items.slice((page - 1) * 8, page * 8), { link: next });
  },
  '/window': (url, _req, res) =>
    json(res, [{ from: url.searchParams.get('from'), to: url.searchParams.get('to') }]),
  '/flaky': (url, _req, res) => {
    const n = (hits.get(url.pathname) ?? 0) + 1;
    hits.set(url.pathname, n);
    if (n === 1) {
      res.writeHead(429, { 'retry-after': '1' });
      res.end('slow down');
    } else if (n === 2) {
      res.writeHead(503);
      res.end('maintenance');
    } else json(res, [{ ok: n }]);
  },
  '/down': (_url, _req, res) => {
    res.writeHead(500);
    res.end('boom');
  },
  '/slow': (_url, _req, res) => {
    setTimeout(() => json(res, []), 2000).unref();
  },
  '/secure': (_url, req, res) => {
    if (req.headers.authorization !== `Bearer ${TOKEN}`) {
      res.writeHead(401);
      res.end('no');
    } else json(res, [{ ok: true }]);
  },
  '/huge': (url, _req, res) => {
    // 2 MB of JSON, with a Content-Length or streamed in chunks without one
    const body = JSON.stringify(Array.from({ length: 20_000 }, (_, i) => ({ id: i, pad: 'p'.repeat(80) })));
    if (url.searchParams.get('chunked')) {
      res.writeHead(200, { 'content-type': 'application/json' });
      for (let at = 0; at < body.length; at += 64 * 1024) res.write(body.slice(at, at + 64 * 1024));
      res.end();
    } else json(res, JSON.parse(body));
  },
  '/missing': (_url, _req, res) => {
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('no such resource');
  },
};

let server: Server;
let baseUrl: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    const url = new URL(req.url!, 'http://localhost');
    requests.push({ path: url.pathname + url.search, auth: req.headers.authorization, at: Date.now() });
    const route = routes[url.pathname];
    if (route) route(url, req, res);
    else {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

function connector(extra: Record<string, unknown> = {}): Promise<Connector> {
  const registry = createConnectorRegistry({
    section: { api: { kind: 'http', baseUrl, token: TOKEN, retryDelayMs: 50, ...extra } },
    file: 'config/dwh.yaml',
    environment: 'test',
    home: process.cwd(),
  });
  return registry.get('api');
}

describe('connectors: http (a real HTTP server on 127.0.0.1)', () => {
  it.each([
    [
      'page',
      { path: 'page', itemsPath: 'data', pagination: { style: 'page', sizeParam: 'per_page', size: 10 } },
    ],
    ['offset', { path: 'offset', pagination: { style: 'offset', size: 7 } }],
    [
      'cursor',
      {
        path: 'cursor',
        itemsPath: 'results',
        pagination: { style: 'cursor', param: 'after', cursorPath: 'meta.next' },
      },
    ],
    ['Link header', { path: 'link', pagination: { style: 'link' } }],
  ])('follows %s pagination to the last page', async (_style, request) => {
    const { ctx } = extractContext();
    const rows = await collectRows(await (await connector()).extract(request, ctx));
    expect(rows.map((r) => r.id)).toEqual(items.map((i) => i.id));
    expect(rows[1]).toMatchObject({ name: 'item 2', nested: { even: true } });
  });

  it('fills window placeholders in query parameters', async () => {
    const { ctx } = extractContext();
    const rows = await collectRows(
      await (
        await connector()
      ).extract({ path: 'window', params: { from: '{start_load_date:date}', to: '{end_load_date}' } }, ctx),
    );
    expect(rows).toEqual([{ from: '2026-01-01', to: '2026-01-02T00:00:00.000Z' }]);
  });

  it('retries 429 honouring Retry-After and 5xx with backoff, then succeeds', async () => {
    const { ctx, lines } = extractContext();
    const started = Date.now();
    const rows = await collectRows(await (await connector()).extract('flaky', ctx));
    expect(rows).toEqual([{ ok: 3 }]);
    const flaky = requests.filter((r) => r.path === '/flaky');
    expect(flaky).toHaveLength(3);
    expect(flaky[1]!.at - flaky[0]!.at).toBeGreaterThanOrEqual(950); // Retry-After: 1
    expect(Date.now() - started).toBeLessThan(5000);
    expect(lines.join('')).toMatch(/returned 429 Too Many Requests: slow down; retry 1\/3 in 1000 ms/);
    expect(lines.join('')).toMatch(/503 Service Unavailable.*retry 2\/3 in 100 ms/);
  });

  it('gives up after the retries with the status, the URL and the attempt count', async () => {
    const { ctx } = extractContext();
    const error = await failure(collectRows(await (await connector({ retries: 2 })).extract('down', ctx)));
    expect(error.message).toBe(
      `connector 'api': GET ${baseUrl}down returned 500 Internal Server Error: boom (after 3 attempts)`,
    );
  });

  it('a request that exceeds timeoutMs fails clearly', async () => {
    const { ctx } = extractContext();
    const error = await failure(
      collectRows(await (await connector({ timeoutMs: 200, retries: 1 })).extract('slow', ctx)),
    );
    expect(error.message).toMatch(/GET .*\/slow timed out after 200 ms \(after 2 attempts\)/);
  });

  it('4xx is not retried and the error names the URL without the token', async () => {
    const { ctx, lines } = extractContext();
    const error = await failure(
      collectRows(
        await (
          await connector({ headers: { 'x-api-key': TOKEN } })
        ).extract({ path: 'missing', params: { api_key: TOKEN } }, ctx),
      ),
    );
    expect(error.message).toMatch(
      /^connector 'api': GET http:\/\/127\.0\.0\.1:\d+\/missing\?api_key=\*\*\* returned 404 Not Found: no such resource$/,
    );
    expect(requests.filter((r) => r.path.startsWith('/missing'))).toHaveLength(1);
    expect(error.message).not.toContain(TOKEN);
    expect(JSON.stringify(error, Object.getOwnPropertyNames(error))).not.toContain(TOKEN);
    expect(lines.join('')).not.toContain(TOKEN);
  });

  it.each([
    ['with a Content-Length', {}],
    ['streamed without a length', { chunked: 1 }],
  ])(
    'a body over maxBodyBytes fails naming the URL and the limit, and is not retried (%s)',
    async (_how, params) => {
      const { ctx } = extractContext();
      const before = requests.filter((r) => r.path.startsWith('/huge')).length;
      const error = await failure(
        collectRows(
          await (
            await connector({ maxBodyBytes: 1_000_000, retries: 3 })
          ).extract({ path: 'huge', params }, ctx),
        ),
      );
      expect(error).toMatchObject({ code: 'INPUT' });
      expect(error.message).toMatch(
        /^connector 'api': GET http:\/\/127\.0\.0\.1:\d+\/huge\S*: the response body is .*more than maxBodyBytes \(1000000 bytes\)/,
      );
      expect(requests.filter((r) => r.path.startsWith('/huge')).length - before).toBe(1);
      const rows = await collectRows(
        await (await connector({ maxBodyBytes: 3_000_000 })).extract({ path: 'huge', params }, ctx),
      );
      expect(rows).toHaveLength(20_000);
    },
  );

  it('sends the token as a bearer header and never logs it', async () => {
    const { ctx, lines } = extractContext();
    const rows = await collectRows(await (await connector({ retries: 1 })).extract('secure', ctx));
    expect(rows).toEqual([{ ok: true }]);
    await failure(
      collectRows(await (await connector({ token: 'wrong-token-value', retries: 0 })).extract('secure', ctx)),
    );
    expect(lines.join('')).not.toContain(TOKEN);
  });

  it('rate limit spaces requests', async () => {
    const { ctx } = extractContext();
    const before = requests.length;
    await collectRows(
      await (
        await connector({ ratePerSecond: 10 })
      ).extract({ path: 'offset', pagination: { style: 'offset', size: 7 } }, ctx),
    );
    const made = requests.slice(before);
    expect(made).toHaveLength(4);
    expect(made[3]!.at - made[0]!.at).toBeGreaterThanOrEqual(280);
  });

  it('an unreachable API is a clear error', async () => {
    const { ctx } = extractContext();
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const registry = createConnectorRegistry({
      section: { gone: { kind: 'http', baseUrl: `http://127.0.0.1:${port}/`, retries: 1, retryDelayMs: 10 } },
      file: 'config/dwh.yaml',
      environment: 'test',
      home: process.cwd(),
    });
    const error = await failure(collectRows(await (await registry.get('gone')).extract('x', ctx)));
    expect(error.message).toBe(
      `connector 'gone': GET http://127.0.0.1:${port}/x failed, cannot connect: ECONNREFUSED (after 2 attempts)`,
    );
  });

  it('a body without an item array asks for itemsPath', async () => {
    const { ctx } = extractContext();
    const error = await failure(collectRows(await (await connector()).extract('page', ctx)));
    expect(error.message).toMatch(/expected an array at the top of the body; use itemsPath/);
  });
});
