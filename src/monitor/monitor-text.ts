import { formatDuration } from '../present/durations.js';
import { formatInstant, type InstantOptions } from '../present/instants.js';
import { formatBytes, formatCount, formatPercent } from '../present/numbers.js';
import { textTableLines } from '../present/text-table.js';
import type { MonitorReport } from './monitor-report.js';
import type { Section } from './pg-health.js';
import { formatGrowth } from './size-history.js';
import { colourStatus } from './terminal-colour.js';

/** Instants in table cells take the compact form of console tables (`2026-11-22 03:00:01Z`). */
const IN_TABLE: InstantOptions = { zone: 'Z' };

/** `dwh monitor` as text: a table of projects, then one block per health section. */
export function monitorText(report: MonitorReport, colour: boolean): string {
  const out: string[] = [];
  const pg = report.postgres;
  out.push(
    `Warehouse ${report.warehouse.description} — PostgreSQL ${pg.version}, ${formatBytes(pg.databaseBytes)}`,
  );
  out.push(`measured ${formatInstant(report.generatedAt)}`, '');
  out.push('Projects');
  if (report.projects.length === 0) out.push('  (no projects and no runs)');
  const rows = report.projects.map((p) => ({
    project: p.project,
    schedule: p.schedule ?? '—',
    state: p.lateness.state,
    late: p.lateness.lateByMs === null ? '' : formatDuration(p.lateness.lateByMs),
    'last success': formatInstant(p.lastSuccess?.startedAt ?? null, IN_TABLE),
    'last run': p.lastRun ? `${p.lastRun.runId} ${p.lastRun.status}` : '—',
    failures: `${p.recentFailures}/${p.recentRuns}`,
    duration: `${formatDuration(p.trends.duration.recent)} (before ${formatDuration(p.trends.duration.baseline)})${p.trends.duration.slowingDown ? ' SLOWER' : ''}`,
    records: `${formatCount(p.trends.records.recent)} (before ${formatCount(p.trends.records.baseline)})${p.trends.records.change ? ` ${p.trends.records.change.toUpperCase()}` : ''}`,
  }));
  if (rows.length)
    out.push(
      ...table(rows, (key, value, row) => (key === 'state' ? colourStatus(row.state, value, colour) : value)),
    );

  for (const p of report.projects)
    if (p.loadError) out.push(`  ${p.project} does not load: ${p.loadError.replace(/\s+/g, ' ')}`);

  const block = <Row>(title: string, s: Section<Row>, empty: string, render: (rows: Row[]) => string[]) => {
    out.push('', title);
    if (!s.available) out.push(`  not available: ${s.reason}`);
    else {
      if (s.note) out.push(`  (${s.note})`);
      out.push(...(s.rows.length ? render(s.rows) : [`  ${empty}`]));
    }
  };
  const since = report.growth.since
    ? `growth since ${formatInstant(report.growth.since)}`
    : 'growth: no earlier measurement yet';
  block(`Tables (largest first; ${since})`, pg.tables, 'no user tables', (tables) =>
    table(
      tables.map((t) => ({
        table: `${t.schema}.${t.table}`,
        total: t.totalBytes === null ? 'locked' : formatBytes(t.totalBytes),
        growth: formatGrowth(report.growth, `${t.schema}.${t.table}`),
        indexes: formatBytes(t.indexBytes),
        live: formatCount(t.liveRows),
        dead:
          t.deadRatio === null
            ? formatCount(t.deadRows)
            : `${formatCount(t.deadRows)} (${formatPercent(t.deadRatio)})`,
        'last vacuum': formatInstant(t.lastVacuum, IN_TABLE),
        'ins/upd/del':
          t.inserted === null
            ? '—'
            : `${formatCount(t.inserted)}/${formatCount(t.updated)}/${formatCount(t.deleted)}`,
      })),
    ),
  );
  block('Unused indexes', pg.unusedIndexes, 'none', (indexes) =>
    table(
      indexes.map((i) => ({ index: `${i.schema}.${i.index}`, table: i.table, size: formatBytes(i.bytes) })),
    ),
  );
  block('Missing-index hints', pg.missingIndexHints, 'none', (hints) =>
    table(
      hints.map((h) => ({
        table: `${h.schema}.${h.table}`,
        'seq scans': formatCount(h.seqScans),
        'rows/seq scan': formatCount(h.rowsPerSeqScan),
        'index scans': formatCount(h.indexScans),
      })),
    ),
  );
  block('Cache hit ratio', pg.cache, 'no reads yet', (c) =>
    c.map(
      (x) => `  database ${formatPercent(x.databaseHitRatio)}, user tables ${formatPercent(x.tableHitRatio)}`,
    ),
  );
  const sessions = (rows: MonitorReport['postgres']['blocked'] extends Section<infer R> ? R[] : never) =>
    table(
      rows.map((s) => ({
        pid: String(s.pid),
        state: s.state ?? '',
        'running for': formatDuration(s.runningForMs),
        'blocked by': s.blockedBy.join(','),
        query: s.query.replace(/\s+/g, ' ').slice(0, 80),
      })),
    );
  block('Long-running queries (> 5 min)', pg.longRunning, 'none', sessions);
  block('Blocked queries', pg.blocked, 'none', sessions);
  block('Connections', pg.connections, 'none', (rows) => [
    ...table(rows.map((c) => ({ state: c.state, connections: String(c.count) }))),
    ...(pg.connections.available && pg.connections.maxConnections
      ? [`  max_connections ${pg.connections.maxConnections}`]
      : []),
  ]);
  return `${out.join('\n')}\n`;
}

/** A table inside a section of the report, indented under its title. */
function table<Row extends Record<string, string>>(
  rows: Row[],
  paint?: (key: string, padded: string, row: Row) => string,
): string[] {
  return textTableLines(rows, {
    indent: '  ',
    ...(paint && { paint: (key: string, padded: string, index: number) => paint(key, padded, rows[index]!) }),
  });
}
