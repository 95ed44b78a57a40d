import type { RunningRun } from '../../audit/active-runs.js';
import { formatDuration } from '../../present/durations.js';
import { href, html, type SafeHtml } from '../../present/html.js';
import { formatInstant } from '../../present/instants.js';
import { formatCount } from '../../present/numbers.js';

/** Seconds between reloads of a page that shows a run in progress. */
export const LIVE_REFRESH_SECONDS = 5;

/** "Running now": each run in progress with its current task, elapsed time and the records loaded so far. */
export function renderRunning(running: RunningRun[], now: Date): SafeHtml {
  if (running.length === 0) return html``;
  const rows = running.map(
    (run) =>
      html`<tr data-running-run="${run.runId}">
        <td><a href="${href('runs', run.runId)}">run ${run.runId}</a></td>
        <td><a href="${href('projects', run.project)}">${run.project}</a></td>
        <td>
          ${
            run.currentTask
              ? html`<span class="current-task">${run.currentTask}</span>
                  <span class="muted"
                    >attempt ${run.currentAttempt ?? 1}, for
                    ${formatDuration(now.getTime() - (run.taskStartedAt ?? run.startedAt).getTime())}</span
                  >`
              : html`<span class="muted">between tasks</span>`
          }
        </td>
        <td class="num elapsed">${formatDuration(now.getTime() - run.startedAt.getTime())}</td>
        <td class="num records-so-far">${formatCount(run.recordsSoFar)}</td>
        <td class="num">${run.attemptsDone}</td>
        <td class="muted">${formatInstant(run.heartbeatAt)}</td>
      </tr>`,
  );
  return html`<h2>Running now</h2>
    <p class="muted">Refreshes every ${LIVE_REFRESH_SECONDS} s. Records count the tasks finished so far.</p>
    <table class="running">
      <thead>
        <tr>
          <th>run</th>
          <th>project</th>
          <th>current task</th>
          <th class="num">elapsed</th>
          <th class="num">records so far</th>
          <th class="num">tasks done</th>
          <th>last heartbeat</th>
        </tr>
      </thead>
      <tbody>
        ${rows}
      </tbody>
    </table>`;
}
