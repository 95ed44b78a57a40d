/**
 * A stand-in for a rates API, for trying the example without a network:
 *   node --import tsx projects/examples/http_rates/serve.ts   (listens on 127.0.0.1:8787)
 * GET /v1/rates?from=YYYY-MM-DD&to=YYYY-MM-DD&page=N&per_page=M with `Authorization: Bearer demo-token`.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import path from 'node:path';

interface Rate {
  code: string;
  rate: number;
  day: string;
}
const base = JSON.parse(
  readFileSync(path.join(import.meta.dirname, 'data', 'base-rates.json'), 'utf8'),
) as Record<string, number>;
const port = Number(process.env.PORT ?? 8787);

function ratesBetween(from: string, to: string): Rate[] {
  const out: Rate[] = [];
  for (
    let day = new Date(`${from}T00:00:00Z`);
    day < new Date(`${to}T00:00:00Z`);
    day.setUTCDate(day.getUTCDate() + 1)
  ) {
    const n = day.getUTCDate();
    for (const [code, rate] of Object.entries(base)) {
      out.push({
        code,
        rate: Math.round(rate * (1 + ((n % 7) - 3) / 1000) * 1e6) / 1e6,
        day: day.toISOString().slice(0, 10),
      });
    }
  }
  return out;
}

createServer((req, res) => {
  const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
  if (req.headers.authorization !== 'Bearer demo-token') {
    res.writeHead(401, { 'content-type': 'text/plain' }).end('missing or wrong token');
    return;
  }
  if (url.pathname !== '/v1/rates') {
    res.writeHead(404).end();
    return;
  }
  const page = Number(url.searchParams.get('page') ?? 1);
  const size = Number(url.searchParams.get('per_page') ?? 50);
  const all = ratesBetween(
    url.searchParams.get('from') ?? '2026-01-01',
    url.searchParams.get('to') ?? '2026-01-02',
  );
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ data: all.slice((page - 1) * size, page * size), total: all.length }));
}).listen(port, '127.0.0.1', () => console.log(`demo rates API on http://127.0.0.1:${port}/v1/rates`));
