import { html, raw, type SafeHtml } from '../../present/html.js';

/** Colours by status: runs, attempts, checks and lateness share one palette. A constant: trusted markup. */
const STYLE = raw(`
:root { --ok:#2e9e4f; --fail:#d23a3a; --crash:#7b1f4b; --run:#3b82f6; --retry:#f0a020; --up:#f97316;
  --off:#b8bec6; --late:#d23a3a; --warn:#e0a800; --fg:#1d2330; --muted:#697386; --line:#e3e6ea; }
* { box-sizing: border-box; }
body { margin:0; font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif; color:var(--fg); background:#f7f8fa; }
header { background:#1d2330; color:#fff; padding:10px 20px; display:flex; gap:24px; align-items:center; }
header a { color:#cfd6e4; text-decoration:none; } header a:hover, header a.here { color:#fff; }
header .brand { font-weight:700; color:#fff; }
header .where { margin-left:auto; color:#9aa4b6; font-size:12px; }
main { padding:16px 20px 40px; max-width:1400px; }
h1 { font-size:20px; margin:4px 0 12px; } h2 { font-size:16px; margin:24px 0 8px; }
table { border-collapse:collapse; background:#fff; border:1px solid var(--line); }
th, td { padding:5px 9px; border-bottom:1px solid var(--line); text-align:left; vertical-align:top; }
th { background:#f0f2f5; font-weight:600; font-size:12px; color:#3b4456; }
td.num, th.num { text-align:right; font-variant-numeric:tabular-nums; }
a { color:#1f5fbf; }
.muted { color:var(--muted); }
.error { color:var(--fail); white-space:pre-wrap; word-break:break-word; }
.value code { font-size:.85em; word-break:break-all; }
.badge { display:inline-block; padding:1px 7px; border-radius:10px; font-size:12px; color:#fff; background:var(--off); white-space:nowrap; }
.cells { display:flex; gap:3px; align-items:center; }
.cell { display:inline-block; width:16px; height:16px; border-radius:3px; background:var(--off); }
.cell.empty { background:transparent; border:1px dashed var(--line); }
.st-success { background:var(--ok); fill:var(--ok); } .st-failed { background:var(--fail); fill:var(--fail); }
.st-crashed, .st-lost { background:var(--crash); fill:var(--crash); } .st-running { background:var(--run); fill:var(--run); }
.st-up_for_retry { background:var(--retry); fill:var(--retry); } .st-upstream_failed { background:var(--up); fill:var(--up); }
.st-disabled, .st-skipped { background:var(--off); fill:var(--off); }
.st-pass { background:var(--ok); } .st-warn { background:var(--warn); } .st-fail, .st-error { background:var(--fail); }
.lt-on_time { background:var(--ok); } .lt-late, .lt-never_succeeded, .lt-invalid_schedule { background:var(--late); }
.lt-waiting { background:var(--warn); } .lt-running { background:var(--run); } .lt-unscheduled { background:var(--off); }
.flag { color:var(--fail); font-weight:600; white-space:nowrap; }
dl.facts { display:grid; grid-template-columns:max-content 1fr; gap:3px 16px; background:#fff; border:1px solid var(--line); padding:10px 14px; margin:0; }
dl.facts dt { color:var(--muted); } dl.facts dd { margin:0; }
pre.log { background:#111722; color:#d7dde8; padding:10px 12px; overflow:auto; max-height:480px; font-size:12px; white-space:pre-wrap; word-break:break-word; }
.chart { margin:8px 0 16px; background:#fff; border:1px solid var(--line); padding:8px; max-width:700px; }
.chart figcaption { font-weight:600; margin-bottom:4px; }
svg .axis { font-size:11px; fill:var(--muted); }
svg.timeline { max-width:960px; display:block; background:#fff; border:1px solid var(--line); margin-bottom:10px; } svg .grid { stroke:var(--line); }
svg rect { stroke:none; }
.notice { background:#fff7e0; border:1px solid #f0d48a; padding:10px 14px; margin:8px 0; }
.legend { display:flex; gap:12px; font-size:12px; color:var(--muted); margin:6px 0 12px; flex-wrap:wrap; }
.legend span { display:inline-flex; gap:4px; align-items:center; }
`);

export interface PageOptions {
  title: string;
  /** Which navigation entry is highlighted. */
  section: 'grid' | 'health' | 'run' | 'project' | 'other';
  /** The warehouse, as a masked description. */
  warehouse?: string;
  /** Reload the page every N seconds (a meta refresh: the pages run no script). */
  refreshSeconds?: number;
}

export function page(options: PageOptions, body: SafeHtml): string {
  const nav = (key: PageOptions['section'], target: string, label: string) =>
    html`<a href="${target}" class="${options.section === key ? 'here' : ''}">${label}</a>`;
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        ${options.refreshSeconds ? html`<meta http-equiv="refresh" content="${options.refreshSeconds}" />` : html``}
        <title>${options.title} · dwh</title>
        <style>
          ${STYLE}
        </style>
      </head>
      <body>
        <header>
          <a class="brand" href="/">dwh</a>
          ${nav('grid', '/', 'Runs grid')} ${nav('health', '/health', 'Warehouse health')}
          <span class="where">${options.warehouse ?? ''}</span>
        </header>
        <main>${body}</main>
      </body>
    </html> `.value;
}

export function statusBadge(status: string, prefix: 'st' | 'lt' = 'st'): SafeHtml {
  return html`<span class="badge ${prefix}-${status}">${status.replace(/_/g, ' ')}</span>`;
}

export function legend(statuses: string[]): SafeHtml {
  return html`<div class="legend">
    ${statuses.map((s) => html`<span><i class="cell st-${s}"></i>${s.replace(/_/g, ' ')}</span>`)}
  </div>`;
}
