import { formatDuration } from '../../present/durations.js';
import { href, html } from '../../present/html.js';
import { formatInstant, formatRelative, formatWindow } from '../../present/instants.js';
import { formatCount } from '../../present/numbers.js';
import type { ProjectHealth } from '../project-health.js';
import type { RunSummary } from '../run-history.js';
import { TREND_RECENT_RUNS } from '../run-stats.js';
import type { RunningRun } from '../../audit/active-runs.js';
import { legend, page, statusBadge } from './layout.js';
import { LIVE_REFRESH_SECONDS, renderRunning } from './running-section.js';

/** Runs per project shown as cells, oldest left, like Airflow's grid. */
const GRID_COLUMNS = 25;

export function runTitle(run: RunSummary): string {
  return (
    `run ${run.runId} ${run.status} · started ${formatInstant(run.startedAt)} · ` +
    `${formatDuration(run.durationMs)} · ${formatCount(run.records)} records · window ${formatWindow(run.windowStart, run.windowEnd)}` +
    (run.errorMessage ? ` · ${run.errorMessage}` : '')
  );
}

export function renderGrid(
  projects: ProjectHealth[],
  now: Date,
  warehouse: string,
  running: RunningRun[] = [],
): string {
  const rows = projects.map((p) => {
    const cells = [...p.runs.slice(0, GRID_COLUMNS)].reverse();
    const padding = GRID_COLUMNS - cells.length;
    const flags = [
      p.trends.duration.slowingDown ? 'slowing down' : null,
      p.trends.records.change === 'drop' ? 'volume drop' : null,
      p.trends.records.change === 'spike' ? 'volume spike' : null,
    ].filter(Boolean);
    return html`<tr data-project="${p.project}">
      <td>
        <a href="${href('projects', p.project)}">${p.project}</a>
        <div class="muted">${p.group ?? 'no folder under projects/'}</div>
        ${p.loadError ? html`<div class="error">${p.loadError}</div>` : html``}
      </td>
      <td>
        <div class="cells">
          ${Array.from({ length: padding }, () => html`<i class="cell empty"></i>`)}${cells.map(
            (run) =>
              html`<a
                class="cell st-${run.status}"
                data-run-id="${run.runId}"
                data-status="${run.status}"
                href="${href('runs', run.runId)}"
                title="${runTitle(run)}"
                aria-label="run ${run.runId} ${run.status}"
              ></a>`,
          )}
        </div>
      </td>
      <td>
        ${
          p.lastRun
            ? html`${statusBadge(p.lastRun.status)}
                <a href="${href('runs', p.lastRun.runId)}">run ${p.lastRun.runId}</a>
                <div class="muted">${formatRelative(p.lastRun.startedAt, now)}</div>`
            : html`<span class="muted">never run</span>`
        }
      </td>
      <td>
        ${
          p.lastSuccess
            ? html`${formatInstant(p.lastSuccess.startedAt)}
                <div class="muted">${formatRelative(p.lastSuccess.startedAt, now)}</div>`
            : html`<span class="muted">—</span>`
        }
      </td>
      <td>
        ${statusBadge(p.lateness.state, 'lt')}${p.lateness.lateByMs !== null ? html` <span class="flag">${formatDuration(p.lateness.lateByMs)}</span>` : html``}
        <div class="muted">${p.schedule ?? 'no schedule'}</div>
      </td>
      <td class="num">${formatDuration(p.trends.duration.recent)}</td>
      <td>
        ${
          flags.length
            ? html`<span class="flag">${flags.join(', ')}</span>`
            : p.trends.successfulRuns > TREND_RECENT_RUNS
              ? html`<span class="muted">steady</span>`
              : html`<span class="muted">—</span>`
        }
      </td>
    </tr>`;
  });
  const body = html`<h1>Runs grid</h1>
    <p class="muted">
      Each project's last ${GRID_COLUMNS} runs, oldest left. Click a cell for its tasks, log and data quality
      results. Times are UTC.
    </p>
    ${renderRunning(running, now)} ${legend(['success', 'failed', 'crashed', 'running'])}
    ${
      projects.length === 0
        ? html`<p class="notice">
            No projects under projects/ and no runs recorded yet. Run one with
            <code>dwh run &lt;project&gt;</code>.
          </p>`
        : html`<table class="grid">
            <thead>
              <tr>
                <th>project</th>
                <th>recent runs</th>
                <th>last run</th>
                <th>last success</th>
                <th>schedule</th>
                <th class="num">usual duration</th>
                <th>trend</th>
              </tr>
            </thead>
            <tbody>
              ${rows}
            </tbody>
          </table>`
    }`;
  const refreshSeconds = running.length ? LIVE_REFRESH_SECONDS : 30;
  return page({ title: 'Runs grid', section: 'grid', warehouse, refreshSeconds }, body);
}
