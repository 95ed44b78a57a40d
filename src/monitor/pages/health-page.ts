import { formatDuration } from '../../present/durations.js';
import { href, html, type SafeHtml } from '../../present/html.js';
import { formatInstant } from '../../present/instants.js';
import { formatBytes, formatCount, formatPercent } from '../../present/numbers.js';
import type { MonitorReport } from '../monitor-report.js';
import { formatGrowth } from '../size-history.js';
import type { Section, SessionHealth } from '../pg-health.js';
import { page, statusBadge } from './layout.js';

function section<Row>(
  title: string,
  s: Section<Row>,
  empty: string,
  render: (rows: Row[]) => SafeHtml,
): SafeHtml {
  if (!s.available)
    return html`<h2>${title}</h2>
      <p class="notice unsupported">Not available: ${s.reason}.</p>`;
  return html`<h2>${title}</h2>
    ${s.note ? html`<p class="muted">${s.note}.</p>` : html``}${
      s.rows.length ? render(s.rows) : html`<p class="muted">${empty}</p>`
    }`;
}

export function renderHealth(report: MonitorReport): string {
  const growthSince = report.growth.since
    ? ` since ${formatInstant(report.growth.since)}`
    : ' (no earlier dwh monitor measurement)';
  const pg = report.postgres;
  const projects = html`<table class="projects">
    <thead>
      <tr>
        <th>project</th>
        <th>schedule</th>
        <th>state</th>
        <th>last success</th>
        <th>last run</th>
        <th class="num">failures</th>
        <th class="num">duration (recent / before)</th>
        <th class="num">records (recent / before)</th>
      </tr>
    </thead>
    <tbody>
      ${report.projects.map(
        (p) =>
          html`<tr data-project="${p.project}">
            <td><a href="${href('projects', p.project)}">${p.project}</a></td>
            <td>${p.schedule ?? '—'}</td>
            <td>
              ${statusBadge(p.lateness.state, 'lt')}${p.lateness.lateByMs !== null ? html` <span class="flag">${formatDuration(p.lateness.lateByMs)}</span>` : html``}
            </td>
            <td>${formatInstant(p.lastSuccess?.startedAt ?? null)}</td>
            <td>
              ${p.lastRun ? html`${statusBadge(p.lastRun.status)} <a href="${href('runs', p.lastRun.runId)}">run ${p.lastRun.runId}</a>` : '—'}
            </td>
            <td class="num">${p.recentFailures} / ${p.recentRuns}</td>
            <td class="num">
              ${formatDuration(p.trends.duration.recent)} /
              ${formatDuration(p.trends.duration.baseline)}${p.trends.duration.slowingDown ? html` <span class="flag">slower</span>` : html``}
            </td>
            <td class="num">
              ${formatCount(p.trends.records.recent)} /
              ${formatCount(p.trends.records.baseline)}${p.trends.records.change ? html` <span class="flag">${p.trends.records.change}</span>` : html``}
            </td>
          </tr>`,
      )}
    </tbody>
  </table>`;
  const body = html`<h1>Warehouse health</h1>
    <dl class="facts">
      <dt>database</dt>
      <dd>${report.warehouse.description}</dd>
      <dt>engine</dt>
      <dd>PostgreSQL ${pg.version}</dd>
      <dt>size</dt>
      <dd>${formatBytes(pg.databaseBytes)}</dd>
      <dt>measured</dt>
      <dd>${formatInstant(report.generatedAt)}</dd>
    </dl>
    <h2>Projects</h2>
    ${report.projects.length ? projects : html`<p class="muted">no projects</p>`}
    ${section(
      'Tables (largest first)',
      pg.tables,
      'no user tables',
      (rows) =>
        html`<table class="tables">
          <thead>
            <tr>
              <th>table</th>
              <th class="num">total</th>
              <th class="num">growth${growthSince}</th>
              <th class="num">indexes</th>
              <th class="num">live rows</th>
              <th class="num">dead rows</th>
              <th>last vacuum</th>
              <th>last analyze</th>
              <th class="num">inserted / updated / deleted</th>
            </tr>
          </thead>
          <tbody>
            ${rows.map(
              (t) =>
                html`<tr>
                  <td>${t.schema}.${t.table}</td>
                  <td class="num">${t.totalBytes === null ? 'locked' : formatBytes(t.totalBytes)}</td>
                  <td class="num">${formatGrowth(report.growth, `${t.schema}.${t.table}`)}</td>
                  <td class="num">${formatBytes(t.indexBytes)}</td>
                  <td class="num">${formatCount(t.liveRows)}</td>
                  <td class="num">
                    ${formatCount(t.deadRows)}${t.deadRatio !== null && t.deadRatio > 0.2 ? html` <span class="flag">${formatPercent(t.deadRatio)}</span>` : html``}
                  </td>
                  <td>${formatInstant(t.lastVacuum)}</td>
                  <td>${formatInstant(t.lastAnalyze)}</td>
                  <td class="num">
                    ${t.inserted === null ? '—' : `${formatCount(t.inserted)} / ${formatCount(t.updated)} / ${formatCount(t.deleted)}`}
                  </td>
                </tr>`,
            )}
          </tbody>
        </table>`,
    )}
    ${section(
      'Unused indexes',
      pg.unusedIndexes,
      'every non-unique index has been used',
      (rows) =>
        html`<table>
          <thead>
            <tr>
              <th>index</th>
              <th>table</th>
              <th class="num">size</th>
            </tr>
          </thead>
          <tbody>
            ${rows.map(
              (i) =>
                html`<tr>
                  <td>${i.schema}.${i.index}</td>
                  <td>${i.table}</td>
                  <td class="num">${formatBytes(i.bytes)}</td>
                </tr>`,
            )}
          </tbody>
        </table>`,
    )}
    ${section(
      'Missing-index hints (many rows read by sequential scans)',
      pg.missingIndexHints,
      'no large table is read mostly by sequential scans',
      (rows) =>
        html`<table>
          <thead>
            <tr>
              <th>table</th>
              <th class="num">seq scans</th>
              <th class="num">rows per seq scan</th>
              <th class="num">index scans</th>
              <th class="num">live rows</th>
            </tr>
          </thead>
          <tbody>
            ${rows.map(
              (h) =>
                html`<tr>
                  <td>${h.schema}.${h.table}</td>
                  <td class="num">${formatCount(h.seqScans)}</td>
                  <td class="num">${formatCount(h.rowsPerSeqScan)}</td>
                  <td class="num">${formatCount(h.indexScans)}</td>
                  <td class="num">${formatCount(h.liveRows)}</td>
                </tr>`,
            )}
          </tbody>
        </table>`,
    )}
    ${section(
      'Cache hit ratio',
      pg.cache,
      'no reads yet',
      (rows) =>
        html`<dl class="facts">
          ${rows.map(
            (c) =>
              html`<dt>database</dt>
                <dd>
                  ${formatPercent(c.databaseHitRatio)} (${formatCount(c.blocksHit)} hits,
                  ${formatCount(c.blocksRead)} reads)
                </dd>
                <dt>user tables</dt>
                <dd>${formatPercent(c.tableHitRatio)}</dd>`,
          )}
        </dl>`,
    )}
    ${section('Long-running queries', pg.longRunning, 'none running longer than 5 minutes', (rows) => sessions(rows))}
    ${section('Blocked queries', pg.blocked, 'no query is waiting for a lock', (rows) => sessions(rows))}
    ${section(
      'Connections',
      pg.connections,
      'no connections',
      (rows) =>
        html`<table>
            <thead>
              <tr>
                <th>state</th>
                <th class="num">connections</th>
              </tr>
            </thead>
            <tbody>
              ${rows.map(
                (c) =>
                  html`<tr>
                    <td>${c.state}</td>
                    <td class="num">${c.count}</td>
                  </tr>`,
              )}
            </tbody>
          </table>
          ${pg.connections.available && pg.connections.maxConnections ? html`<p class="muted">max_connections ${pg.connections.maxConnections}</p>` : html``}`,
    )}`;
  return page(
    {
      title: 'Warehouse health',
      section: 'health',
      warehouse: report.warehouse.description,
      refreshSeconds: 60,
    },
    body,
  );
}

function sessions(rows: SessionHealth[]): SafeHtml {
  return html`<table>
    <thead>
      <tr>
        <th class="num">pid</th>
        <th>user</th>
        <th>state</th>
        <th>waiting for</th>
        <th class="num">running for</th>
        <th>blocked by</th>
        <th>query</th>
      </tr>
    </thead>
    <tbody>
      ${rows.map(
        (s) =>
          html`<tr>
            <td class="num">${s.pid}</td>
            <td>${s.user ?? ''}</td>
            <td>${s.state ?? ''}</td>
            <td>${s.waitEvent ?? ''}</td>
            <td class="num">${formatDuration(s.runningForMs)}</td>
            <td>${s.blockedBy.join(', ')}</td>
            <td><code>${s.query}</code></td>
          </tr>`,
      )}
    </tbody>
  </table>`;
}
