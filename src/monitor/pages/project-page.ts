import { formatDuration } from '../../present/durations.js';
import { href, html } from '../../present/html.js';
import { formatInstant, formatWindow } from '../../present/instants.js';
import { formatCount, formatPercent } from '../../present/numbers.js';
import type { ProjectHealth } from '../project-health.js';
import { barChart } from '../svg-chart.js';
import { runTitle } from './grid-page.js';
import { page, statusBadge } from './layout.js';

export function renderProject(p: ProjectHealth, warehouse: string): string {
  const chronological = [...p.runs].reverse();
  const bars = (value: (r: (typeof chronological)[number]) => number | null) =>
    chronological.map((run) => ({
      label: String(run.runId),
      value: value(run),
      className: `st-${run.status}`,
      title: runTitle(run),
      href: href('runs', run.runId),
    }));
  const { duration, records } = p.trends;
  const body = html`<h1>${p.project} <span class="muted">${p.group ?? ''}</span></h1>
    ${p.loadError ? html`<p class="error">${p.loadError}</p>` : html``}
    <dl class="facts">
      <dt>schedule</dt>
      <dd>
        ${p.schedule ?? 'none'} ${statusBadge(p.lateness.state, 'lt')}
        <span class="muted">${p.lateness.reason}</span>
      </dd>
      <dt>last due</dt>
      <dd>
        ${formatInstant(p.lateness.due)}${p.lateness.lateByMs !== null ? html` <span class="flag">late by ${formatDuration(p.lateness.lateByMs)}</span>` : html``}
      </dd>
      <dt>next due</dt>
      <dd>${formatInstant(p.lateness.next)}</dd>
      <dt>last success</dt>
      <dd>
        ${p.lastSuccess ? html`<a href="${href('runs', p.lastSuccess.runId)}">run ${p.lastSuccess.runId}</a> started ${formatInstant(p.lastSuccess.startedAt)}` : 'never'}
      </dd>
      <dt>duration</dt>
      <dd>
        median of the last runs ${formatDuration(duration.recent)}, before them
        ${formatDuration(duration.baseline)}${duration.ratio !== null ? html` (${formatPercent(duration.ratio)})` : html``}${duration.slowingDown ? html` <span class="flag">slowing down</span>` : html``}
      </dd>
      <dt>records</dt>
      <dd>
        median of the last runs ${formatCount(records.recent)}, before them
        ${formatCount(records.baseline)}${records.change ? html` <span class="flag">volume ${records.change}</span>` : html``}
      </dd>
    </dl>
    ${barChart(
      'Duration per run (seconds)',
      bars((r) => (r.durationMs === null ? null : r.durationMs / 1000)),
      (v) => `${v.toFixed(1)} s`,
    )}
    ${barChart(
      'Records per run',
      bars((r) => r.records),
      (v) => formatCount(v),
    )}
    <h2>Runs</h2>
    ${
      p.runs.length === 0
        ? html`<p class="muted">no runs yet</p>`
        : html`<table class="runs">
            <thead>
              <tr>
                <th class="num">run</th>
                <th>status</th>
                <th>load</th>
                <th>kind</th>
                <th>window</th>
                <th>started</th>
                <th class="num">duration</th>
                <th class="num">records</th>
                <th>error</th>
              </tr>
            </thead>
            <tbody>
              ${p.runs.map(
                (run) =>
                  html`<tr data-run-id="${run.runId}">
                    <td class="num"><a href="${href('runs', run.runId)}">${run.runId}</a></td>
                    <td>${statusBadge(run.status)}</td>
                    <td>${run.loadType}</td>
                    <td>${run.kind}</td>
                    <td>${formatWindow(run.windowStart, run.windowEnd)}</td>
                    <td>${formatInstant(run.startedAt)}</td>
                    <td class="num">${formatDuration(run.durationMs)}</td>
                    <td class="num">${formatCount(run.records)}</td>
                    <td class="error">${run.errorMessage ?? ''}</td>
                  </tr>`,
              )}
            </tbody>
          </table>`
    }`;
  return page({ title: p.project, section: 'project', warehouse }, body);
}
