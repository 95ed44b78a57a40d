import type { DqResults } from '../dq-results.js';
import { formatDuration } from '../../present/durations.js';
import { href, html, type SafeHtml } from '../../present/html.js';
import { formatInstant, formatWindow } from '../../present/instants.js';
import { formatCount } from '../../present/numbers.js';
import { truncate } from '../../present/text.js';
import type { RunLogTail } from '../run-log-finder.js';
import type { AttemptSummary, RunSummary } from '../run-history.js';
import { timeline } from '../svg-chart.js';
import { displayGroupOf, groupedOrder } from '../../core/task-groups.js';
import { page, statusBadge } from './layout.js';

export interface RunPageData {
  run: RunSummary;
  attempts: AttemptSummary[];
  dq: DqResults;
  log: RunLogTail;
}

export function renderRun(data: RunPageData, now: Date, warehouse: string): string {
  const { run, dq, log } = data;
  // tasks of a group (`dims.customer`) together, under the group's heading
  const attempts = groupedOrder(data.attempts, (a) => a.task);
  const failed = attempts.filter((a) => a.status === 'failed' || a.status === 'up_for_retry');
  // a pokes column only for runs with sensors
  const sensors = attempts.some((a) => a.pokes !== null);
  const body = html`<h1>
      Run ${run.runId} of
      <a href="${href('projects', run.project)}">${run.project}</a> ${statusBadge(run.status)}
    </h1>
    ${run.errorMessage ? html`<p class="error run-error">${run.errorMessage}</p>` : html``}
    <dl class="facts">
      <dt>window</dt>
      <dd>${formatWindow(run.windowStart, run.windowEnd)} (load type ${run.loadType})</dd>
      <dt>kind</dt>
      <dd data-kind="${run.kind}">${runKindText(run)}</dd>
      ${
        run.resumedFrom === null
          ? html``
          : html`<dt>resumed from</dt>
              <dd data-resumed-from="${run.resumedFrom}">
                <a href="${href('runs', run.resumedFrom)}">run ${run.resumedFrom}</a> (same window; its
                succeeded tasks reused)
              </dd>`
      }
      <dt>started</dt>
      <dd>${formatInstant(run.startedAt)}</dd>
      <dt>ended</dt>
      <dd>
        ${
          run.endedAt
            ? formatInstant(run.endedAt)
            : run.status === 'lost'
              ? html`lost: recorded as running, but no heartbeat since ${formatInstant(run.heartbeatAt)} (the
                next start of the project marks it crashed)`
              : html`still running, last heartbeat ${formatInstant(run.heartbeatAt)}`
        }
      </dd>
      <dt>duration</dt>
      <dd>${formatDuration(run.durationMs ?? now.getTime() - run.startedAt.getTime())}</dd>
      <dt>records</dt>
      <dd>${formatCount(run.records)}</dd>
      <dt>target</dt>
      <dd>${run.targetTable ?? '—'}</dd>
      <dt>environment</dt>
      <dd>
        ${run.environment} · version
        ${run.version}${run.gitSha ? html` · git ${run.gitSha.slice(0, 10)}` : html``}
      </dd>
      <dt>process</dt>
      <dd>pid ${run.pid} on ${run.host}</dd>
    </dl>

    <h2>Task attempts</h2>
    ${timeline(
      attempts.map((a) => ({
        label: a.attempt > 1 ? `${localName(a.task)} #${a.attempt}` : localName(a.task),
        group: displayGroupOf(a.task),
        start: a.startedAt,
        end: a.endedAt,
        className: `st-${a.status}`,
        title: `${a.task} attempt ${a.attempt}: ${a.status}, ${formatDuration(a.durationMs)}${a.errorMessage ? ` — ${a.errorMessage}` : ''}`,
      })),
      run.endedAt ?? now,
    )}
    ${
      attempts.length
        ? html`<table class="attempts">
            <thead>
              <tr>
                <th>task</th>
                <th class="num">attempt</th>
                <th>status</th>
                <th>started</th>
                <th class="num">duration</th>
                <th class="num">records</th>
                ${sensors ? html`<th class="num">pokes</th>` : html``}
                <th>value</th>
                <th>error</th>
              </tr>
            </thead>
            <tbody>
              ${withGroupHeadings(
                attempts,
                (a) =>
                  html`<tr data-task="${a.task}" data-status="${a.status}">
                    <td>${a.task}</td>
                    <td class="num">${a.attempt}</td>
                    <td>${statusBadge(a.status)}</td>
                    <td>${formatInstant(a.startedAt)}</td>
                    <td class="num">${formatDuration(a.durationMs)}</td>
                    <td class="num">${formatCount(a.records)}</td>
                    ${sensors ? html`<td class="num">${a.pokes === null ? '' : formatCount(a.pokes)}</td>` : html``}
                    <td class="value">${valueCell(a.value)}</td>
                    <td class="error">${errorCell(a)}</td>
                  </tr>`,
                sensors ? 9 : 8,
              )}
            </tbody>
          </table>`
        : html``
    }
    ${failed.length ? html`<p class="muted">${failed.length} failed attempt(s).</p>` : html``}

    <h2>Data quality</h2>
    ${renderDq(dq)}

    <h2>Log</h2>
    ${
      log.file
        ? html`<p class="muted">last lines of metadata/${log.file}</p>
            <pre class="log">${log.text}</pre>`
        : html`<p class="muted">
            no log file of this run on this machine (it ran elsewhere, or log retention removed it)
          </p>`
    }`;
  return page(
    {
      title: `Run ${run.runId} · ${run.project}`,
      section: 'run',
      warehouse,
      ...(run.status === 'running' ? { refreshSeconds: 5 } : {}),
    },
    body,
  );
}

/** Why an attempt failed or did not run; for a task a resumed run reused, the run whose attempt it is. */
function errorCell(a: AttemptSummary): SafeHtml | string {
  if (a.reusedFrom === null) return a.errorMessage ?? '';
  return html`<span class="muted" data-reused-from="${a.reusedFrom}"
    >reused from <a href="${href('runs', a.reusedFrom)}">run ${a.reusedFrom}</a></span
  >`;
}

/** A task's `{ value }` as compact JSON, cut to one short line; the whole of it in the tooltip. */
function valueCell(value: unknown): SafeHtml {
  if (value === null || value === undefined) return html``;
  const json = JSON.stringify(value);
  return html`<code title="${json}">${truncate(json, 80)}</code>`;
}

const localName = (task: string) => task.slice((displayGroupOf(task)?.length ?? -1) + 1);

/** A heading row before the rows of each task group. */
function withGroupHeadings(
  attempts: AttemptSummary[],
  row: (a: AttemptSummary) => SafeHtml,
  columns: number,
): SafeHtml[] {
  return attempts.map((a, i) => {
    const group = displayGroupOf(a.task);
    const previous = attempts[i - 1];
    if (!group || (previous && displayGroupOf(previous.task) === group)) return row(a);
    return html`<tr class="group-heading" data-group="${group}">
        <th colspan="${String(columns)}">group ${group}</th>
      </tr>
      ${row(a)}`;
  });
}

function renderDq(dq: DqResults) {
  if (!dq.available || dq.results.length === 0)
    return html`<p class="muted dq-none">no data quality results</p>`;
  return html`<table class="dq">
    <thead>
      <tr>
        <th>check</th>
        <th>table</th>
        <th>severity</th>
        <th>status</th>
        <th class="num">observed</th>
        <th>threshold</th>
        <th class="num">failing rows</th>
        <th>message</th>
      </tr>
    </thead>
    <tbody>
      ${dq.results.map(
        (r) =>
          html`<tr data-check="${r.check}" data-status="${r.status}">
            <td>${r.check}${r.kind ? html`<div class="muted">${r.kind}</div>` : html``}</td>
            <td>${r.table ?? ''}</td>
            <td>${r.severity ?? ''}</td>
            <td>${statusBadge(r.status)}</td>
            <td class="num">${r.observed ?? ''}</td>
            <td>${r.threshold ?? ''}</td>
            <td class="num">${r.failingRows === null ? '' : formatCount(r.failingRows)}</td>
            <td>
              ${r.message ?? ''}${
                r.sample
                  ? html`<details>
                      <summary>sample</summary>
                      <pre>${JSON.stringify(r.sample, null, 1)}</pre>
                    </details>`
                  : html``
              }
            </td>
          </tr>`,
      )}
    </tbody>
  </table>`;
}

/** `full`, or `partial` with the selected tasks: a partial run is never the base of the next window. */
function runKindText(run: Pick<RunSummary, 'kind' | 'selectedTasks'>): string {
  if (run.kind === 'full') return 'full';
  const tasks = run.selectedTasks?.length ? `only ${run.selectedTasks.join(', ')}` : 'tasks were skipped';
  return `partial (${tasks}): not the base of the next incremental window`;
}
